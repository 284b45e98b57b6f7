// Hand-written bumpguard fixture: shapes the feature table could take in a future upstream
// release. All of it is valid Go, so the parser must read it without a diagnostic.
package featuretags

/* A block comment holding a fake entry, "ghost": {Sym: "Ghost"}, and a stray } brace. */

const (
	CLI    FeatureTag = "cli"
	Relay             = FeatureTag("relay" + "server")
	prefix            = "ts_omit_"
	first             = iota
)

type FeatureTag string

func (ft FeatureTag) IsOmittable() bool {
	if ft == CLI || ft == "bootstrap" {
		return false
	}
	return !Features[ft].NotOmittable
}

type FeatureMeta struct {
	Sym, Desc            string
	Deps                 []FeatureTag `json:"deps"`
	ImplementationDetail bool
	NotOmittable         bool
}

var (
	unrelated = map[string]int{"x": 1}
	Features  = map[FeatureTag]FeatureMeta{
		CLI: {Sym: "CLI", Desc: `raw "desc" with \n kept`},
		"bootstrap": FeatureMeta{
			Sym:  "Bootstrap",
			Desc: "tab\there, quote \" and \u00e9\x41\101",
			Deps: nil,
		},
		Relay: {
			Sym:  "RelayServer",
			Desc: "relay" + " " + "server",
			Deps: []FeatureTag{
				// a comment between items
				"bootstrap" /* inline */, CLI,
			},
			NotOmittable: true,
		},
		"debug" /* odd place */ : {Sym: "Debug", Desc: "x", ImplementationDetail: false},
		"über":                   {Sym: "Uber", Desc: "non-ASCII name", ImplementationDetail: true},
	}
)
