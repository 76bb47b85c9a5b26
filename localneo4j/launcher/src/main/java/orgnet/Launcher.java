package orgnet;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.kernel.api.impl.index.LuceneSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;

/**
 * Runs an embedded Neo4j Community DBMS with only the Bolt connector on 127.0.0.1.
 *
 * <p>Args: --port N --data-dir D --user U --password P [--pagecache BYTES]
 * [--tx-memory BYTES] [--exit-on-stdin-eof]
 *
 * <p>D is used as the Neo4j home directory (data/, logs/ are created under it). Started and
 * stopped by the Go package github.com/orgnet/orgnet/localneo4j.
 */
public final class Launcher {
    private static final String TAG = "orgnet-neo4j: ";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        int port = 7687;
        String dataDir = null;
        String user = "neo4j";
        String password = null;
        long pageCache = 512L << 20;
        long txMemory = 512L << 20;
        boolean exitOnStdinEof = false;
        int mergeFactor = 10;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> port = Integer.parseInt(need(args, ++i, a));
                case "--data-dir" -> dataDir = need(args, ++i, a);
                case "--user" -> user = need(args, ++i, a);
                case "--password" -> password = need(args, ++i, a);
                case "--pagecache" -> pageCache = Long.parseLong(need(args, ++i, a));
                case "--tx-memory" -> txMemory = Long.parseLong(need(args, ++i, a));
                case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                case "--lucene-merge-factor" -> mergeFactor = Integer.parseInt(need(args, ++i, a));
                default -> fail("unknown argument " + a);
            }
        }
        if (dataDir == null) fail("--data-dir is required");
        if (password == null) password = System.getenv("ORGNET_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) fail("--password of at least 8 characters is required");
        if (!user.matches("[A-Za-z0-9_.@-]+")) fail("invalid user name " + user);
        if (port <= 0 || port > 65535) fail("invalid port " + port);

        long t0 = System.nanoTime();
        Path home = Path.of(dataDir).toAbsolutePath();
        System.out.println(TAG + "starting Neo4j in " + home);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.WARN))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                // Without these, closing the Bolt server idles ~10s after the databases are already stopped.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMemory)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 64L << 20)
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                // Lucene (the TEXT and FULLTEXT indexes) writes a segment per
                // committed transaction; with Neo4j's merge factor of 2 nearly
                // every write then merges segments on a new thread, which cost
                // ~20 ms of CPU per small write here. Lucene's own default, 10,
                // merges ten times less often (docs/reliability.md §4).
                .setConfig(LuceneSettings.lucene_merge_factor, mergeFactor)
                .build();

        AtomicBoolean stopped = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Runnable shutdown = () -> {
            if (stopped.compareAndSet(false, true)) {
                System.out.println(TAG + "shutting down");
                try {
                    dbms.shutdown();
                } catch (Throwable t) {
                    t.printStackTrace();
                }
                System.out.println(TAG + "stopped");
                System.out.flush();
            }
            done.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "orgnet-neo4j-shutdown"));

        try {
            ensureUser(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), user, password);
        } catch (Throwable t) {
            System.err.println(TAG + "setting credentials failed: " + t);
            t.printStackTrace();
            System.exit(3); // shutdown hook stops the DBMS
        }

        System.out.printf("%sbolt ready on 127.0.0.1:%d (%.1fs)%n", TAG, port, (System.nanoTime() - t0) / 1e9);
        System.out.flush();

        if (exitOnStdinEof) {
            Thread watchdog = new Thread(() -> {
                try (InputStream in = System.in) {
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // discard; only EOF matters
                    }
                } catch (Exception ignored) {
                    // treat read errors like EOF
                }
                System.out.println(TAG + "stdin closed, exiting");
                System.exit(0);
            }, "orgnet-neo4j-stdin-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        done.await();
    }

    /** Makes user/password valid for Bolt; the initial neo4j/neo4j "change required" state is cleared. */
    private static void ensureUser(GraphDatabaseService system, String user, String password) {
        if (credentialsCurrent(system, user, password)) {
            return; // the usual restart: skips the Cypher planner's cold start (seconds)
        }
        boolean exists = system.executeTransactionally(
                "SHOW USERS YIELD user WHERE user = $u RETURN count(*) AS n",
                Map.of("u", user),
                r -> ((Number) r.next().get("n")).longValue() > 0);
        if (!exists) {
            system.executeTransactionally(
                    "CREATE USER `" + user + "` SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            System.out.println(TAG + "created user " + user);
            return;
        }
        try {
            system.executeTransactionally(
                    "ALTER USER `" + user + "` SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // Re-setting the current password is rejected ("Old password and new password cannot be the
            // same"); then only the change-required flag may still need clearing.
            if (!String.valueOf(e.getMessage()).toLowerCase().contains("cannot be the same")) throw e;
            system.executeTransactionally("ALTER USER `" + user + "` SET PASSWORD CHANGE NOT REQUIRED");
        }
    }

    /**
     * Reads the user's node in the system graph without Cypher and checks the stored credential.
     * Any surprise (internal format changed) just answers false, and the Cypher path runs.
     */
    private static boolean credentialsCurrent(GraphDatabaseService system, String user, String password) {
        try (Transaction tx = system.beginTx()) {
            Node u = tx.findNode(Label.label("User"), "name", user);
            if (u == null || !Boolean.FALSE.equals(u.getProperty("passwordChangeRequired", null))) return false;
            Object cred = u.getProperty("credentials", null);
            return cred instanceof String c
                    && SystemGraphCredential.deserialize(c, new SecureHasher())
                            .matchesPassword(password.getBytes(StandardCharsets.UTF_8));
        } catch (Throwable t) {
            System.out.println(TAG + "fast credential check unavailable (" + t + "), using Cypher");
            return false;
        }
    }

    private static String need(String[] args, int i, String flag) {
        if (i >= args.length) fail(flag + " needs a value");
        return args[i];
    }

    private static void fail(String msg) {
        System.err.println(TAG + msg);
        System.err.println("usage: Launcher --port N --data-dir D --user U --password P [--exit-on-stdin-eof]");
        System.exit(2);
    }
}
