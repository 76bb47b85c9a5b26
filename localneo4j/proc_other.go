//go:build !unix

package localneo4j

import (
	"context"
	"errors"
	"fmt"
	"syscall"
)

var errUnsupported = fmt.Errorf("localneo4j: process control on this OS: %w", errors.ErrUnsupported)

func detachedAttr() *syscall.SysProcAttr               { return nil }
func signalTerm(int) error                             { return errUnsupported }
func signalKill(int) error                             { return errUnsupported }
func processAlive(int) bool                            { return false }
func isOurProcess(int, Config) bool                    { return false }
func lockFile(context.Context, string) (func(), error) { return nil, errUnsupported }
