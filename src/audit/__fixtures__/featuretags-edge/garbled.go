// Hand-written bumpguard fixture: a feature table Go would not compile. The parser keeps what
// it can read and reports the rest as diagnostics.
package featuretags

const CLI FeatureTag = "cli"

type FeatureTag string

func (ft FeatureTag) IsOmittable() bool {
	return ft != CLI
}

type FeatureMeta struct {
	Sym  string
	Desc string
	Deps []FeatureTag
}

var Features = map[FeatureTag]FeatureMeta{
	"cli":     {Sym: "CLI", Desc: "cli"},
	"good":    {Sym: "Good", Desc: "fine", Deps: []FeatureTag{"cli"}},
	"nocomma": {Sym: "NoComma", Desc: "missing comma after me"}
	"dup":     {Sym: "Dup", Desc: "first"},
	"dup":     {Sym: "Dup2", Desc: "second"},
	"baddep":  {Sym: "BadDep", Desc: "x", Deps: []FeatureTag{"ghost", helper()}},
	"positional": {"Positional", "no field names"},
	"colour":     {Sym: "Colour", Desc: "x", Colour: true},
	"computed":   {Sym: "Computed", Desc: "x", Deps: depsOf("good")},
	missingConst: {Sym: "MissingConst"},
	"unterminated": {Sym: "Unterminated", Desc: "no end
}
