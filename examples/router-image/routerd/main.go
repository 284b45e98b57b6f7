// routerd is the "daemon" of bumpguard's example router image: a stand-in for tailscale.combined.
// Like that binary it is multi-call: run as `dig` (a symlink) it is a small DNS client that prints
// dig's output format; otherwise it loads the feature modules the build kept and serves DNS on
// loopback when the dns feature was kept.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	args := os.Args[1:]
	name := filepath.Base(os.Args[0])
	if name != "dig" && len(args) > 0 && args[0] == "dig" {
		name, args = "dig", args[1:]
	}
	if name == "dig" {
		os.Exit(runDig(args, os.Stdout))
	}
	if err := serve(); err != nil {
		fmt.Fprintf(os.Stderr, "routerd: %v\n", err)
		os.Exit(1)
	}
}
