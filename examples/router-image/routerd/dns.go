package main

import (
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"time"
)

const (
	typeA    = 1
	typeAAAA = 28
	classIN  = 1

	flagQR = 1 << 15
	flagAA = 1 << 10
	flagRD = 1 << 8
	flagRA = 1 << 7

	rcodeNoError  = 0
	rcodeServFail = 2
	rcodeNXDomain = 3
)

// localZone is answered authoritatively when the dns feature is kept (MagicDNS-like names).
var localZone = map[string]string{
	"router.lan":             "192.168.88.1",
	"nas.lan":                "192.168.88.10",
	"router.tail1234.ts.net": "100.64.0.1",
}

// forwarded stands in for recursion through the exit node: the container has no network, so
// a fixed table of documentation addresses answers. Upstream needs peerapiserver for the exit
// node's DNS; without it clients saw SERVFAIL (the incident this example reproduces).
var forwarded = map[string]string{
	"example.com": "192.0.2.10",
	"example.org": "198.51.100.20",
}

type question struct {
	name  string
	qtype uint16
	end   int // offset just past the question
}

type resolver struct {
	forward bool
	sleep   func(time.Duration)
}

func newResolver(forward bool, sleep func(time.Duration)) *resolver {
	return &resolver{forward: forward, sleep: sleep}
}

func parseQuestion(msg []byte) (question, error) {
	if len(msg) < 12 || binary.BigEndian.Uint16(msg[4:]) == 0 {
		return question{}, errors.New("no question")
	}
	var labels []string
	i := 12
	for {
		if i >= len(msg) {
			return question{}, errors.New("truncated name")
		}
		l := int(msg[i])
		i++
		if l == 0 {
			break
		}
		if l > 63 || i+l > len(msg) {
			return question{}, errors.New("bad label")
		}
		labels = append(labels, string(msg[i:i+l]))
		i += l
	}
	if i+4 > len(msg) {
		return question{}, errors.New("truncated question")
	}
	name := strings.ToLower(strings.Join(labels, "."))
	return question{name: name, qtype: binary.BigEndian.Uint16(msg[i:]), end: i + 4}, nil
}

// answer builds the reply to one query, or nil for garbage (dropped like a real server does).
func (r *resolver) answer(msg []byte) []byte {
	q, err := parseQuestion(msg)
	if err != nil {
		return nil
	}
	flags := uint16(flagQR) | binary.BigEndian.Uint16(msg[2:])&flagRD
	addr, local := localZone[q.name]
	var rcode uint16 = rcodeNoError
	switch {
	case local:
		flags |= flagAA | flagRA
		r.sleep(2 * time.Millisecond) // a little work, so dig's query time is real and > 0
	case r.forward:
		flags |= flagRA
		r.sleep(8 * time.Millisecond)
		var ok bool
		if addr, ok = forwarded[q.name]; !ok {
			rcode = rcodeNXDomain
		}
	default:
		rcode = rcodeServFail // immediate local SERVFAIL, no recursion available
	}
	out := make([]byte, 12, 64)
	copy(out, msg[:2])
	binary.BigEndian.PutUint16(out[2:], flags|rcode)
	binary.BigEndian.PutUint16(out[4:], 1)
	out = append(out, msg[12:q.end]...)
	if rcode == rcodeNoError && q.qtype == typeA && addr != "" {
		binary.BigEndian.PutUint16(out[6:], 1)
		out = append(out, 0xc0, 12) // pointer to the question's name
		out = binary.BigEndian.AppendUint16(out, typeA)
		out = binary.BigEndian.AppendUint16(out, classIN)
		out = binary.BigEndian.AppendUint32(out, 300)
		out = binary.BigEndian.AppendUint16(out, 4)
		out = append(out, net.ParseIP(addr).To4()...)
	}
	return out
}
