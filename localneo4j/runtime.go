package localneo4j

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

//go:embed launcher/pom.xml
var pomXML []byte

//go:embed launcher/src/main/java/orgnet/Launcher.java
var launcherJava []byte

// runtimeFiles is what launching needs: a java binary, Neo4j's jars and the compiled launcher.
type runtimeFiles struct {
	java      string
	classpath string // Neo4j's jars, os.PathListSeparator-separated
	classDir  string // holds orgnet/Launcher.class
}

// ensureRuntime resolves Neo4j's classpath with Maven (first run: downloads
// ~125 MB into CacheDir/m2) and compiles Launcher.java, both cached in CacheDir.
func ensureRuntime(ctx context.Context, cfg Config) (runtimeFiles, error) {
	var rt runtimeFiles
	java, err := jdkTool("java")
	if err != nil {
		return rt, err
	}
	rt.java = java
	work := filepath.Join(cfg.CacheDir, "neo4j-"+Neo4jVersion+"-launcher")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return rt, fmt.Errorf("localneo4j: cache dir: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(cfg.CacheDir, "neo4j-"+Neo4jVersion+".lock"))
	if err != nil {
		return rt, err
	}
	defer unlock()

	cpFile := filepath.Join(cfg.CacheDir, "neo4j-"+Neo4jVersion+".classpath")
	pomPath := filepath.Join(work, "pom.xml")
	pomChanged, err := writeIfChanged(pomPath, pomXML)
	if err != nil {
		return rt, err
	}
	if !pomChanged {
		rt.classpath, _ = cachedClasspath(cpFile)
	}
	if rt.classpath == "" {
		if rt.classpath, err = resolveClasspath(ctx, cfg, pomPath, cpFile); err != nil {
			return rt, err
		}
	}

	sum := sha256.Sum256(append(append([]byte{}, launcherJava...), []byte(Neo4jVersion)...))
	rt.classDir = filepath.Join(work, "classes-"+hex.EncodeToString(sum[:6]))
	if _, err := os.Stat(filepath.Join(rt.classDir, "orgnet", "Launcher.class")); err == nil {
		return rt, nil
	}
	if err := compileLauncher(ctx, cfg, work, rt); err != nil {
		return rt, err
	}
	return rt, nil
}

// jdkTool finds java/javac: $JAVA_HOME/bin first, then PATH.
func jdkTool(name string) (string, error) {
	if jh := os.Getenv("JAVA_HOME"); jh != "" {
		p := filepath.Join(jh, "bin", name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("localneo4j: %s (JDK 17 or 21) not found in $JAVA_HOME/bin or PATH: %w", name, err)
	}
	return p, nil
}

func writeIfChanged(path string, content []byte) (changed bool, err error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return false, nil
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		return true, fmt.Errorf("localneo4j: write %s: %w", path, err)
	}
	return true, nil
}

// cachedClasspath returns the classpath in file if every jar in it exists.
func cachedClasspath(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	cp := strings.TrimSpace(string(b))
	if cp == "" {
		return "", errors.New("empty classpath file")
	}
	for _, jar := range filepath.SplitList(cp) {
		if _, err := os.Stat(jar); err != nil {
			return "", err
		}
	}
	return cp, nil
}

func resolveClasspath(ctx context.Context, cfg Config, pomPath, cpFile string) (string, error) {
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return "", fmt.Errorf("localneo4j: mvn (Apache Maven 3) is needed once to download Neo4j: %w", err)
	}
	cfg.progress("downloading Neo4j %s from Maven Central into %s (first run only, ~125 MB)…",
		Neo4jVersion, filepath.Join(cfg.CacheDir, "m2"))
	t0 := time.Now()
	tmp := cpFile + ".tmp"
	args := []string{"-q", "-B", "-f", pomPath,
		"-Dmaven.repo.local=" + filepath.Join(cfg.CacheDir, "m2"),
		"dependency:build-classpath",
		"-Dmdep.outputFile=" + tmp,
	}
	cmd := exec.CommandContext(ctx, mvn, args...)
	cmd.Dir = filepath.Dir(pomPath)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("localneo4j: %s %s: %w\n%s", mvn, strings.Join(args, " "), err, tail(out.String(), 30))
	}
	cp, err := cachedClasspath(tmp)
	if err != nil {
		return "", fmt.Errorf("localneo4j: mvn wrote no usable classpath to %s: %w\n%s", tmp, err, tail(out.String(), 30))
	}
	if err := os.Rename(tmp, cpFile); err != nil {
		return "", fmt.Errorf("localneo4j: %w", err)
	}
	cfg.progress("Neo4j %s downloaded in %.1fs (%d jars)", Neo4jVersion, time.Since(t0).Seconds(), len(filepath.SplitList(cp)))
	return cp, nil
}

func compileLauncher(ctx context.Context, cfg Config, work string, rt runtimeFiles) error {
	javac, err := jdkTool("javac")
	if err != nil {
		return err
	}
	src := filepath.Join(work, "Launcher.java")
	if _, err := writeIfChanged(src, launcherJava); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(work, "classes-tmp-")
	if err != nil {
		return fmt.Errorf("localneo4j: %w", err)
	}
	defer os.RemoveAll(tmp)
	cfg.progress("compiling the Neo4j launcher…")
	args := []string{"-nowarn", "-encoding", "UTF-8", "--release", "17", "-cp", rt.classpath, "-d", tmp, src}
	cmd := exec.CommandContext(ctx, javac, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("localneo4j: %s … %s: %w\n%s", javac, src, err, tail(out.String(), 30))
	}
	_ = os.RemoveAll(rt.classDir) // a partial leftover
	if err := os.Rename(tmp, rt.classDir); err != nil {
		return fmt.Errorf("localneo4j: %w", err)
	}
	return nil
}
