package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand"
	"net"
	"strings"
	"time"
)

var rcodeNames = map[uint16]string{0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}

// runDig is a minimal `dig [@server] name [A|AAAA]` whose output follows dig's format, so the
// router image can run the maintainers' canaries (dig shows the ra flag and the query time;
// busybox nslookup shows neither). Exit codes follow dig: 0 answered, 1 usage, 9 no reply.
func runDig(args []string, w io.Writer) int {
	server, port, name, qtype := "127.0.0.1", "53", "", uint16(typeA)
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-p" && i+1 < len(args):
			i++
			port = args[i]
		case strings.HasPrefix(a, "@"):
			server = a[1:]
		case strings.EqualFold(a, "A"):
			qtype = typeA
		case strings.EqualFold(a, "AAAA"):
			qtype = typeAAAA
		case strings.HasPrefix(a, "+") || strings.HasPrefix(a, "-"):
			// dig's display options are accepted and ignored.
		default:
			name = strings.TrimSuffix(a, ".")
		}
	}
	if name == "" {
		fmt.Fprintln(w, "Usage: dig [@server] name [A|AAAA]")
		return 1
	}
	fmt.Fprintf(w, "\n; <<>> routerd dig <<>> %s\n;; global options: +cmd\n", strings.Join(args, " "))
	id := uint16(rand.New(rand.NewSource(time.Now().UnixNano())).Intn(65536))
	addr := net.JoinHostPort(server, port)
	start := time.Now()
	reply, err := exchange(addr, buildQuery(id, name, qtype))
	elapsed := time.Since(start)
	if err != nil {
		fmt.Fprintf(w, ";; communications error to %s#%s: %s\n\n;; no servers could be reached\n\n", server, port, commError(err))
		return 9
	}
	printReply(w, reply, name, qtype)
	fmt.Fprintf(w, ";; Query time: %d msec\n", elapsed.Milliseconds())
	fmt.Fprintf(w, ";; SERVER: %s#%s(%s) (UDP)\n", server, port, server)
	fmt.Fprintf(w, ";; WHEN: %s\n", time.Now().UTC().Format("Mon Jan 02 15:04:05 MST 2006"))
	fmt.Fprintf(w, ";; MSG SIZE  rcvd: %d\n\n", len(reply))
	return 0
}

func commError(err error) string {
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return "timed out"
	}
	if strings.Contains(err.Error(), "refused") {
		return "connection refused"
	}
	return err.Error()
}

func buildQuery(id uint16, name string, qtype uint16) []byte {
	q := make([]byte, 12, 64)
	binary.BigEndian.PutUint16(q, id)
	binary.BigEndian.PutUint16(q[2:], flagRD)
	binary.BigEndian.PutUint16(q[4:], 1)
	for _, l := range strings.Split(name, ".") {
		q = append(q, byte(len(l)))
		q = append(q, l...)
	}
	q = append(q, 0)
	q = binary.BigEndian.AppendUint16(q, qtype)
	return binary.BigEndian.AppendUint16(q, classIN)
}

func exchange(addr string, query []byte) ([]byte, error) {
	conn, err := net.Dial("udp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return nil, err
	}
	if _, err := conn.Write(query); err != nil {
		return nil, err
	}
	buf := make([]byte, 1500)
	n, err := conn.Read(buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

func printReply(w io.Writer, reply []byte, name string, qtype uint16) {
	if len(reply) < 12 {
		fmt.Fprintln(w, ";; Warning: short reply")
		return
	}
	h := binary.BigEndian.Uint16(reply[2:])
	var flags []string
	for _, f := range []struct {
		bit  uint16
		name string
	}{{flagQR, "qr"}, {flagAA, "aa"}, {1 << 9, "tc"}, {flagRD, "rd"}, {flagRA, "ra"}} {
		if h&f.bit != 0 {
			flags = append(flags, f.name)
		}
	}
	an := binary.BigEndian.Uint16(reply[6:])
	typ := map[uint16]string{typeA: "A", typeAAAA: "AAAA"}[qtype]
	fmt.Fprintf(w, ";; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: %s, id: %d\n", rcodeNames[h&0xf], binary.BigEndian.Uint16(reply))
	fmt.Fprintf(w, ";; flags: %s; QUERY: %d, ANSWER: %d, AUTHORITY: %d, ADDITIONAL: %d\n\n",
		strings.Join(flags, " "), binary.BigEndian.Uint16(reply[4:]), an, binary.BigEndian.Uint16(reply[8:]), binary.BigEndian.Uint16(reply[10:]))
	fmt.Fprintf(w, ";; QUESTION SECTION:\n;%s.\t\t\tIN\t%s\n\n", name, typ)
	if an == 0 {
		return
	}
	q, err := parseQuestion(reply)
	if err != nil {
		return
	}
	fmt.Fprintln(w, ";; ANSWER SECTION:")
	for i, off := 0, q.end; i < int(an) && off+12 <= len(reply); i++ {
		rtype := binary.BigEndian.Uint16(reply[off+2:])
		ttl := binary.BigEndian.Uint32(reply[off+6:])
		rdlen := int(binary.BigEndian.Uint16(reply[off+10:]))
		if off+12+rdlen > len(reply) {
			break
		}
		rdata := reply[off+12 : off+12+rdlen]
		if rtype == typeA && rdlen == 4 {
			fmt.Fprintf(w, "%s.\t\t%d\tIN\tA\t%s\n", name, ttl, net.IP(rdata))
		}
		off += 12 + rdlen
	}
	fmt.Fprintln(w)
}
