package main

import (
	"fmt"
	"hash/crc32"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// loaded keeps every module resident, so the daemon's RSS grows with what the build kept,
// as a real binary's text does.
var loaded = map[string][]byte{}

func loadModules(dir string) (names []string, total int, err error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.mod"))
	if err != nil {
		return nil, 0, err
	}
	sort.Strings(paths)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, 0, err
		}
		name := strings.TrimSuffix(filepath.Base(p), ".mod")
		loaded[name] = b
		names = append(names, name)
		total += len(b)
	}
	return names, total, nil
}

func serve() error {
	dir := envOr("ROUTERD_MODULES", "/usr/local/lib/routerd")
	names, total, err := loadModules(dir)
	if err != nil {
		return fmt.Errorf("loading modules from %s: %w", dir, err)
	}
	var sum uint32
	for _, n := range names {
		sum = crc32.Update(sum, crc32.IEEETable, loaded[n])
	}
	fmt.Printf("routerd: loaded %d feature modules (%d bytes, crc %08x): %s\n", len(names), total, sum, strings.Join(names, ","))

	if _, ok := loaded["dns"]; ok {
		addr := envOr("ROUTERD_DNS_ADDR", "127.0.0.1:53")
		conn, err := net.ListenPacket("udp", addr)
		if err != nil {
			return fmt.Errorf("dns: %w", err)
		}
		_, forward := loaded["peerapiserver"]
		fmt.Printf("routerd: dns: answering on %s (exit-node forwarding: %v)\n", addr, forward)
		go serveDNS(conn, newResolver(forward, time.Sleep))
	} else {
		fmt.Println("routerd: dns feature omitted from this build; not answering DNS")
	}
	fmt.Println("routerd: ready")

	// PID 1 in a container gets no default signal handling: exit on TERM/INT ourselves.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	return nil
}

func serveDNS(conn net.PacketConn, r *resolver) {
	buf := make([]byte, 1500)
	for {
		n, peer, err := conn.ReadFrom(buf)
		if err != nil {
			fmt.Fprintf(os.Stderr, "routerd: dns read: %v\n", err)
			return
		}
		if reply := r.answer(buf[:n]); reply != nil {
			if _, err := conn.WriteTo(reply, peer); err != nil {
				fmt.Fprintf(os.Stderr, "routerd: dns write: %v\n", err)
			}
		}
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
