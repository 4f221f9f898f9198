package web_test

import (
	"syscall"
	"time"
)

func killGroup(pid int) error { return syscall.Kill(-pid, syscall.SIGKILL) }

func timeAfterMinutes(n int) <-chan time.Time { return time.After(time.Duration(n) * time.Minute) }
