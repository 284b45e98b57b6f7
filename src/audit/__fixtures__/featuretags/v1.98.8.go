// Test fixture for bumpguard, written by us in the layout of
// tailscale/tailscale feature/featuretags/featuretags.go at v1.98.8. Names, Deps and
// flags are the recorded facts; descriptions and comments are ours.

package featuretags

import "tailscale.com/util/set"

// CLI is opt-in (ts_include_cli) where every other feature is opt-out, so
// it is the one feature IsOmittable rejects.
const CLI FeatureTag = "cli"

// FeatureTag is the name of a feature; "ts_omit_" + name is its build tag.
type FeatureTag string

// IsOmittable reports whether a ts_omit_ tag exists for ft.
func (ft FeatureTag) IsOmittable() bool {
	switch ft {
	case CLI:
		return false
	}
	return true
}

// OmitTag is the build tag that leaves ft out of the binary.
func (ft FeatureTag) OmitTag() string {
	if ft.IsOmittable() {
		return "ts_omit_" + string(ft)
	}
	panic("fixture: cannot omit " + string(ft))
}

// Requires lists ft and every feature it needs, walking Deps with a stack.
func Requires(ft FeatureTag) set.Set[FeatureTag] {
	out := set.Set[FeatureTag]{}
	for todo := []FeatureTag{ft}; len(todo) > 0; {
		f := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		out.Add(f)
		todo = append(todo, Features[f].Deps...)
	}
	return out
}

// RequiredBy lists the features that cannot work without ft (ft included).
func RequiredBy(ft FeatureTag) set.Set[FeatureTag] {
	out := set.Set[FeatureTag]{}
	for f := range Features {
		if Requires(f).Contains(ft) {
			out.Add(f)
		}
	}
	return out
}

// FeatureMeta is what the table knows about one feature.
type FeatureMeta struct {
	Sym  string       // Go name of the HasX constant in buildfeatures
	Desc string       // one line for --list
	Deps []FeatureTag // features that must be kept too

	// ImplementationDetail marks plumbing that users don't pick directly.
	ImplementationDetail bool
}

// Features is the table cmd/featuretags reads.
var Features = map[FeatureTag]FeatureMeta{
	"ace":  {Sym: "ACE", Desc: "fixture text for ace"},
	"acme": {Sym: "ACME", Desc: "fixture text for acme"},
	"advertiseexitnode": {
		Sym:  "AdvertiseExitNode",
		Desc: "fixture text for advertiseexitnode",
		Deps: []FeatureTag{
			"peerapiserver", // order as recorded upstream
			"advertiseroutes",
		},
	},
	"advertiseroutes": {
		Sym: "AdvertiseRoutes", Desc: "fixture text for advertiseroutes",
		Deps: []FeatureTag{"c2n"},
	},
	"appconnectors": {Sym: "AppConnectors", Desc: "fixture text for appconnectors"},
	"aws":           {Sym: "AWS", Desc: "fixture text for aws"},
	"bakedroots":    {Sym: "BakedRoots", Desc: "fixture text for bakedroots"},
	"bird": {
		Sym:  "Bird",
		Desc: "fixture text for bird",
		Deps: []FeatureTag{"advertiseroutes"},
	},
	"c2n": {
		Sym:                  "C2N",
		Desc:                 "fixture text for c2n",
		ImplementationDetail: true,
	},
	"cachenetmap":   {Sym: "CacheNetMap", Desc: "fixture text for cachenetmap"},
	"captiveportal": {Sym: "CaptivePortal", Desc: "fixture text for captiveportal"},
	"capture":       {Sym: "Capture", Desc: "fixture text for capture"},
	"cli":           {Sym: "CLI", Desc: "fixture text for cli"},
	"cliconndiag":   {Sym: "CLIConnDiag", Desc: "fixture text for cliconndiag"},
	"clientmetrics": {Sym: "ClientMetrics", Desc: "fixture text for clientmetrics"},
	"clientupdate": {
		Sym: "ClientUpdate", Desc: "fixture text for clientupdate",
		Deps: []FeatureTag{"c2n"},
	},
	"cloud":      {Sym: "Cloud", Desc: "fixture text for cloud"},
	"colorable":  {Sym: "Colorable", Desc: "fixture text for colorable"},
	"completion": {Sym: "Completion", Desc: "fixture text for completion"},
	"completion_scripts": {
		Sym: "CompletionScripts", Desc: "fixture text for completion_scripts",
		Deps: []FeatureTag{"completion"},
	},
	"conn25": {Sym: "Conn25", Desc: "fixture text for conn25"},
	"dbus": {
		Sym:                  "DBus",
		Desc:                 "fixture text for dbus",
		ImplementationDetail: true,
	},
	"debug":         {Sym: "Debug", Desc: "fixture text for debug"},
	"debugeventbus": {Sym: "DebugEventBus", Desc: "fixture text for debugeventbus"},
	"debugportmapper": {
		Sym: "DebugPortMapper", Desc: "fixture text for debugportmapper",
		Deps: []FeatureTag{"portmapper"},
	},
	"desktop_sessions": {Sym: "DesktopSessions", Desc: "fixture text for desktop_sessions"},
	"dns":              {Sym: "DNS", Desc: "fixture text for dns"},
	"doctor":           {Sym: "Doctor", Desc: "fixture text for doctor"},
	"drive":            {Sym: "Drive", Desc: "fixture text for drive"},
	"gro": {
		Sym: "GRO", Desc: "fixture text for gro",
		Deps: []FeatureTag{"netstack"},
	},
	"health":             {Sym: "Health", Desc: "fixture text for health"},
	"hujsonconf":         {Sym: "HuJSONConf", Desc: "fixture text for hujsonconf"},
	"identityfederation": {Sym: "IdentityFederation", Desc: "fixture text for identityfederation"},
	"ipnbus":             {Sym: "IPNBus", Desc: "fixture text for ipnbus"},
	"iptables":           {Sym: "IPTables", Desc: "fixture text for iptables"},
	"kube":               {Sym: "Kube", Desc: "fixture text for kube"},
	"linkspeed":          {Sym: "LinkSpeed", Desc: "fixture text for linkspeed"},
	"linuxdnsfight":      {Sym: "LinuxDNSFight", Desc: "fixture text for linuxdnsfight"},
	"listenrawdisco":     {Sym: "ListenRawDisco", Desc: "fixture text for listenrawdisco"},
	"logtail":            {Sym: "LogTail", Desc: "fixture text for logtail"},
	"netlog": {
		Sym: "NetLog", Desc: "fixture text for netlog",
		Deps: []FeatureTag{"logtail"},
	},
	"netstack": {Sym: "Netstack", Desc: "fixture text for netstack"},
	"networkmanager": {
		Sym:  "NetworkManager",
		Desc: "fixture text for networkmanager",
		Deps: []FeatureTag{"dbus"},
	},
	"oauthkey": {Sym: "OAuthKey", Desc: "fixture text for oauthkey"},
	"osrouter": {
		Sym:  "OSRouter",
		Desc: "fixture text for osrouter",
		// Upstream keeps a long note inside this literal; a comment with
		// {braces} and "quotes" must not confuse the parser.
	},
	"outboundproxy": {
		Sym:  "OutboundProxy",
		Desc: "fixture text for outboundproxy",
		Deps: []FeatureTag{"netstack"},
	},
	"peerapiclient": {
		Sym:                  "PeerAPIClient",
		Desc:                 "fixture text for peerapiclient",
		ImplementationDetail: true,
	},
	"peerapiserver": {
		Sym:                  "PeerAPIServer",
		Desc:                 "fixture text for peerapiserver",
		ImplementationDetail: true,
	},
	"portlist":    {Sym: "PortList", Desc: "fixture text for portlist"},
	"portmapper":  {Sym: "PortMapper", Desc: "fixture text for portmapper"},
	"posture":     {Sym: "Posture", Desc: "fixture text for posture"},
	"qrcodes":     {Sym: "QRCodes", Desc: "fixture text for qrcodes"},
	"relayserver": {Sym: "RelayServer", Desc: "fixture text for relayserver"},
	"resolved": {
		Sym:  "Resolved",
		Desc: "fixture text for resolved",
		Deps: []FeatureTag{"dbus"},
	},
	"sdnotify": {Sym: "SDNotify", Desc: "fixture text for sdnotify"},
	"serve": {
		Sym:  "Serve",
		Desc: "fixture text for serve",
		Deps: []FeatureTag{"netstack"},
	},
	"ssh": {
		Sym:  "SSH",
		Desc: "fixture text for ssh",
		Deps: []FeatureTag{
			"c2n", // order as recorded upstream
			"dbus",
			"netstack",
		},
	},
	"synology":  {Sym: "Synology", Desc: "fixture text for synology"},
	"syspolicy": {Sym: "SystemPolicy", Desc: "fixture text for syspolicy"},
	"systray": {
		Sym:  "SysTray",
		Desc: "fixture text for systray",
		Deps: []FeatureTag{
			"dbus", // order as recorded upstream
			"webbrowser",
		},
	},
	"taildrop": {
		Sym:  "Taildrop",
		Desc: "fixture text for taildrop",
		Deps: []FeatureTag{
			"peerapiclient", // order as recorded upstream
			"peerapiserver",
		},
	},
	"tailnetlock":        {Sym: "TailnetLock", Desc: "fixture text for tailnetlock"},
	"tap":                {Sym: "Tap", Desc: "fixture text for tap"},
	"tpm":                {Sym: "TPM", Desc: "fixture text for tpm"},
	"tundevstats":        {Sym: "TUNDevStats", Desc: "fixture text for tundevstats"},
	"unixsocketidentity": {Sym: "UnixSocketIdentity", Desc: "fixture text for unixsocketidentity"},
	"useexitnode": {
		Sym:  "UseExitNode",
		Desc: "fixture text for useexitnode",
		Deps: []FeatureTag{
			"peerapiclient", // order as recorded upstream
			"useroutes",
		},
	},
	"useproxy":    {Sym: "UseProxy", Desc: "fixture text for useproxy"},
	"usermetrics": {Sym: "UserMetrics", Desc: "fixture text for usermetrics"},
	"useroutes":   {Sym: "UseRoutes", Desc: "fixture text for useroutes"},
	"wakeonlan":   {Sym: "WakeOnLAN", Desc: "fixture text for wakeonlan"},
	"webbrowser":  {Sym: "WebBrowser", Desc: "fixture text for webbrowser"},
	"webclient": {
		Sym: "WebClient", Desc: "fixture text for webclient",
		Deps: []FeatureTag{"serve"},
	},
}
