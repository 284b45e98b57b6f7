// Stand-in for the upstream tree a real recipe clones: tailscale/tailscale net/tstun/wrap.go,
// reduced to the function the Dockerfile's sed edits; the code is ours.

package tstun

// invertGSOChecksum flips the partial checksum gVisor leaves for segmentation offload.
// Built without netstack it must never be reached, hence the panic routers hit.
func invertGSOChecksum(pkt []byte, gso gsoOptions) {
	if !haveNetstack {
		panic("unreachable")
	}
	if !gso.needsChecksum {
		return
	}
	i := int(gso.l3HeaderLen + gso.checksumOffset)
	if i+1 >= len(pkt) {
		return
	}
	pkt[i], pkt[i+1] = ^pkt[i], ^pkt[i+1]
}
