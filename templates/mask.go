package templates

import (
	"github.com/dave/jennifer/jen"
	"github.com/dbgen/dbgen/generator/model"
)

// renderMasking emits the fmt and slog methods of a struct holding secrets:
// all of them print a copy whose non-empty secrets read "***". Nested
// structs with secrets mask themselves, as fmt and slog call their methods.
func renderMasking(f *jen.File, s *model.Struct) {
	t, plain := s.Name, plainName(s)
	recv := func() *jen.Statement { return jen.Id("v").Id(t) }
	var masks []jen.Code
	for _, fl := range s.Fields {
		if fl.Secret {
			masks = append(masks, selector("v", fl).Op("=").Qual(rt, "Mask").Call(selector("v", fl)))
		}
	}
	f.Line()
	f.Comment("redacted is a copy of v without methods and with its secrets masked.")
	f.Func().Params(recv()).Id("redacted").Params().Id(plain).Block(append(masks, jen.Return(jen.Id(plain).Call(jen.Id("v"))))...)
	f.Line()
	f.Comment("String, GoString, Format and LogValue print v with its secrets masked.")
	f.Func().Params(recv()).Id("String").Params().String().Block(jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit("%+v"), jen.Id("v").Dot("redacted").Call())))
	f.Line()
	f.Func().Params(recv()).Id("GoString").Params().String().Block(jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit("%#v"), jen.Id("v").Dot("redacted").Call())))
	f.Line()
	f.Func().Params(recv()).Id("Format").Params(jen.Id("s").Qual("fmt", "State"), jen.Id("verb").Rune()).Block(
		jen.Qual("fmt", "Fprintf").Call(jen.Id("s"), jen.Qual("fmt", "FormatString").Call(jen.Id("s"), jen.Id("verb")), jen.Id("v").Dot("redacted").Call()))
	f.Line()
	f.Func().Params(recv()).Id("LogValue").Params().Qual("log/slog", "Value").Block(
		jen.Return(jen.Qual("log/slog", "StringValue").Call(jen.Id("v").Dot("String").Call())))
}
