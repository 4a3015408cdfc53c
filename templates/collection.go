package templates

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/dbgen/dbgen/generator/model"
)

func renderCollection(f *jen.File, m *model.Package, c *model.Collection) {
	n := collectionNames(c)
	t := c.Type.Name
	f.Line()
	f.Comment(fmt.Sprintf("Collection %s: documents of type %s.", c.Name, t))
	renderSpec(f, c, n)
	renderID(f, c, n)
	renderDocument(f, m, c, n)
	renderRepo(f, c, n)
}

func renderSpec(f *jen.File, c *model.Collection, n names) {
	var rule []jen.Code
	switch c.ID.Kind {
	case model.IDUUID:
		rule = append(rule, jen.Id("Pattern").Op(":").Qual(rt, "UUIDPattern"))
	case model.IDRegex:
		rule = append(rule, jen.Id("Pattern").Op(":").Qual("regexp", "MustCompile").Call(rawString(c.ID.Pattern)))
	}
	if c.ID.MaxLen != 0 {
		rule = append(rule, jen.Id("MaxLen").Op(":").Lit(c.ID.MaxLen))
	}
	defs := []jen.Code{jen.Id(n.idRule).Op("=").Qual(rt, "IDRule").Values(rule...)}
	var indexes []jen.Code
	for _, q := range c.Queries {
		ix := []jen.Code{jen.Id("Name").Op(":").Lit(q.Name)}
		if len(q.Fields) > 0 {
			var fields []jen.Code
			for _, fl := range q.Fields {
				fields = append(fields, indexField(fl))
			}
			ix = append(ix, jen.Id("Fields").Op(":").Index().Qual(rt, "IndexField").Values(fields...))
		}
		if q.Order != nil {
			ix = append(ix, jen.Id("OrderBy").Op(":").Op("&").Qual(rt, "IndexField").Add(indexField(q.Order)))
		}
		if q.Desc {
			ix = append(ix, jen.Id("Desc").Op(":").True())
		}
		defs = append(defs, jen.Id(n.index(q)).Op("=").Op("&").Qual(rt, "Index").Values(ix...))
		indexes = append(indexes, jen.Id(n.index(q)))
	}
	spec := []jen.Code{
		jen.Line().Id("Name").Op(":").Lit(c.Name),
		jen.Line().Id("ID").Op(":").Id(n.idRule),
	}
	if len(indexes) > 0 {
		spec = append(spec, jen.Line().Id("Indexes").Op(":").Index().Op("*").Qual(rt, "Index").Values(indexes...))
	}
	if c.MaxBytes != 0 {
		spec = append(spec, jen.Line().Id("MaxBytes").Op(":").Lit(c.MaxBytes))
	}
	defs = append(defs, jen.Id(n.spec).Op("=").Op("&").Qual(rt, "Collection").Values(append(spec, jen.Line())...))
	f.Var().Defs(defs...)
}

func indexField(f *model.Field) jen.Code {
	kind := map[model.Kind]string{
		model.String: "FieldString", model.Int: "FieldInt", model.Uint: "FieldInt",
		model.Float: "FieldFloat", model.Bool: "FieldBool", model.Time: "FieldTime",
	}[f.Type.Kind]
	return jen.Values(jen.Id("Name").Op(":").Lit(f.Stored), jen.Id("Kind").Op(":").Qual(rt, kind))
}

// rawString is a `raw` literal when s allows it, for readable patterns.
func rawString(s string) jen.Code {
	if strings.ContainsAny(s, "`\r") {
		return jen.Lit(s)
	}
	return jen.Op("`" + s + "`")
}

func renderID(f *jen.File, c *model.Collection, n names) {
	t, id := c.Type.Name, n.idType
	f.Line()
	f.Comment(fmt.Sprintf("%s is the ID of a%s %s. Only %s and the constructors make one, so", id, article(t), t, n.parse))
	f.Comment("holding one means it satisfies the collection's ID rule.")
	f.Type().Id(id).Struct(jen.Id("s").String())
	f.Line()
	f.Comment(fmt.Sprintf("%s checks s against the ID rule of %s.", n.parse, c.Name))
	f.Func().Id(n.parse).Params(jen.Id("s").String()).Params(jen.Id(id), jen.Error()).Block(
		jen.If(jen.Err().Op(":=").Qual(rt, "CheckID").Call(jen.Id(n.spec), jen.Id("s")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Id(id).Values(), jen.Err()),
		),
		jen.Return(jen.Id(id).Values(jen.Id("s")), jen.Nil()),
	)
	switch {
	case len(c.Key) > 0:
		var params, args []jen.Code
		var stored []string
		for _, k := range c.Key {
			params = append(params, jen.Id(paramName(k.GoName())))
			args = append(args, jen.Id(paramName(k.GoName())))
			stored = append(stored, k.Stored)
		}
		f.Line()
		f.Comment(fmt.Sprintf("%s makes the ID of the %s with the given %s: each", n.newID, c.Name, strings.Join(stored, ", ")))
		f.Comment("part escaped and the parts joined by ':', so distinct parts never collide.")
		f.Func().Id(n.newID).Params(jen.List(params...).String()).Params(jen.Id(id), jen.Error()).Block(
			jen.List(jen.Id("s"), jen.Err()).Op(":=").Qual(rt, "KeyID").Call(append([]jen.Code{jen.Id(n.spec)}, args...)...),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id(id).Values(), jen.Err())),
			jen.Return(jen.Id(id).Values(jen.Id("s")), jen.Nil()),
		)
	case n.newID != "":
		gen, what := "NewHexID", "32 hex characters"
		if c.ID.Kind == model.IDUUID {
			gen, what = "NewUUID", "a UUID"
		}
		f.Line()
		f.Comment(fmt.Sprintf("%s returns a new random ID (%s).", n.newID, what))
		f.Func().Id(n.newID).Params().Id(id).Block(jen.Return(jen.Id(id).Values(jen.Qual(rt, gen).Call())))
	}
	f.Line()
	f.Func().Params(jen.Id("id").Id(id)).Id("String").Params().String().Block(jen.Return(jen.Id("id").Dot("s")))
	f.Line()
	f.Func().Params(jen.Id("id").Id(id)).Id("MarshalText").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Index().Byte().Call(jen.Id("id").Dot("s")), jen.Nil()))
	f.Line()
	f.Comment("UnmarshalText accepts only IDs that satisfy the rule.")
	f.Func().Params(jen.Id("id").Op("*").Id(id)).Id("UnmarshalText").Params(jen.Id("text").Index().Byte()).Error().Block(
		jen.List(jen.Id("parsed"), jen.Err()).Op(":=").Id(n.parse).Call(jen.String().Call(jen.Id("text"))),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Op("*").Id("id").Op("=").Id("parsed"),
		jen.Return(jen.Nil()),
	)
}

func article(word string) string {
	if strings.ContainsAny(word[:1], "AEIOU") {
		return "n"
	}
	return ""
}

func renderDocument(f *jen.File, m *model.Package, c *model.Collection, n names) {
	t := c.Type.Name
	recv := func() *jen.Statement { return jen.Id("v").Op("*").Id(t) }
	body := func() *jen.Statement {
		return jen.Id(n.body).Values(jen.Id(n.plain).Op(":").Parens(jen.Op("*").Id(n.plain)).Call(jen.Id("v")))
	}
	f.Line()
	f.Comment(fmt.Sprintf("%s is %s without methods, for encoding/json and fmt.", n.plain, t))
	f.Type().Id(n.plain).Id(t)
	f.Line()
	f.Comment(fmt.Sprintf("%s is the stored form of a%s %s. Its own _id and _rev are shallower than", n.body, article(t), t))
	f.Comment("the embedded ones, so encoding/json encodes neither and never decodes them")
	f.Comment("into the document.")
	f.Type().Id(n.body).Struct(
		jen.Op("*").Id(n.plain),
		jen.Id("SystemID").String().Tag(map[string]string{"json": "_id,omitempty"}),
		jen.Id("SystemRev").String().Tag(map[string]string{"json": "_rev,omitempty"}),
	)
	f.Line()
	f.Comment(fmt.Sprintf("DocumentID and the methods below make *%s a runtime.Document[%s].", t, t))
	f.Func().Params(recv()).Id("DocumentID").Params().String().Block(jen.Return(selector("v", c.IDField)))
	f.Line()
	if c.RevField != nil {
		f.Func().Params(recv()).Id("DocumentRev").Params().String().Block(jen.Return(selector("v", c.RevField)))
		f.Line()
		f.Func().Params(recv()).Id("SetDocumentMeta").Params(jen.List(jen.Id("id"), jen.Id("rev")).String()).Block(
			jen.List(selector("v", c.IDField), selector("v", c.RevField)).Op("=").List(jen.Id("id"), jen.Id("rev")))
	} else {
		f.Comment(fmt.Sprintf("DocumentRev is always empty: %s has no _rev field, so its documents", t))
		f.Comment("are created and deleted, never replaced.")
		f.Func().Params(recv()).Id("DocumentRev").Params().String().Block(jen.Return(jen.Lit("")))
		f.Line()
		f.Func().Params(recv()).Id("SetDocumentMeta").Params(jen.List(jen.Id("id"), jen.Id("_")).String()).Block(
			selector("v", c.IDField).Op("=").Id("id"))
	}
	f.Line()
	f.Comment("Validate checks the field rules and reports every failing field, in field order.")
	if c.Type.Checked {
		f.Func().Params(recv()).Id("Validate").Params().Error().Block(
			jen.Return(jen.Qual("errors", "Join").Call(jen.Id(c.Type.Check).Call(jen.Lit(c.Name), jen.Lit(""), jen.Id("v")).Op("..."))))
	} else {
		f.Func().Params(recv()).Id("Validate").Params().Error().Block(jen.Return(jen.Nil()))
	}
	f.Line()
	if c.Type.Rest != "" {
		renderRestCodec(f, c, n, recv, body)
	} else {
		f.Comment("MarshalDocument encodes the body: every field but _id and _rev.")
		f.Func().Params(recv()).Id("MarshalDocument").Params().Params(jen.Index().Byte(), jen.Error()).Block(
			jen.Return(jen.Qual("encoding/json", "Marshal").Call(body())))
		f.Line()
		f.Comment("UnmarshalDocument decodes a stored body; _id and _rev come from SetDocumentMeta.")
		f.Comment("Integers in free-form fields stay exact (json.Number).")
		f.Func().Params(recv()).Id("UnmarshalDocument").Params(jen.Id("body").Index().Byte()).Error().Block(
			jen.Return(jen.Qual(rt, "DecodeJSON").Call(jen.Id("body"), jen.Op("&").Add(body()))))
	}
	f.Line()
	f.Comment(fmt.Sprintf("%s decodes client JSON into a new %s. Top-level members whose", n.decode, t))
	f.Comment("names start with '_' are ignored, so a client never sets _id, _rev or _deleted.")
	f.Comment("Malformed JSON is an error of kind validation.")
	f.Func().Id(n.decode).Params(jen.Id("data").Index().Byte()).Params(jen.Op("*").Id(t), jen.Error()).Block(
		jen.Id("v").Op(":=").New(jen.Id(t)),
		jen.If(jen.Err().Op(":=").Qual(rt, "DecodeJSON").Call(jen.Id("data"), jen.Op("&").Add(body())), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual(rt, "DecodeError").Call(jen.Id(n.spec), jen.Err()))),
		jen.Return(jen.Id("v"), jen.Nil()),
	)
	if c.Type.Secrets {
		renderMasking(f, c.Type)
	}
	if c.Type.Checked {
		renderCheck(f, c.Type)
	}
}

func renderRepo(f *jen.File, c *model.Collection, n names) {
	t := c.Type.Name
	f.Line()
	f.Comment(fmt.Sprintf("%s is the repository of %s: the runtime's operations plus the", n.repo, c.Name))
	f.Comment("finders of the declared queries.")
	f.Type().Id(n.repo).Struct(jen.Op("*").Qual(rt, "Repo").Types(jen.Id(t), jen.Op("*").Id(t), jen.Id(n.idType)))
	for _, q := range c.Queries {
		var params, args []jen.Code
		var names []string
		for _, fl := range q.Fields {
			params = append(params, jen.Id(paramName(fl.GoName())).Add(typeCode(fl.Type)))
			args = append(args, jen.Id(paramName(fl.GoName())))
			names = append(names, fl.Stored)
		}
		order := "by ID"
		if q.Order != nil {
			order = "by " + q.Order.Stored
			if q.Desc {
				order += ", descending"
			}
		}
		what := "all the " + c.Name
		if len(names) > 0 {
			what = fmt.Sprintf("the %s with the given %s", c.Name, strings.Join(names, " and "))
		}
		ctx := jen.Id("ctx").Qual("context", "Context")
		f.Line()
		f.Comment(fmt.Sprintf("%s iterates over %s, %s, a page at a time.", q.Finder, what, order))
		f.Func().Params(jen.Id("r").Op("*").Id(n.repo)).Id(q.Finder).Params(append([]jen.Code{ctx}, params...)...).
			Qual("iter", "Seq2").Types(jen.Op("*").Id(t), jen.Error()).Block(
			jen.Return(jen.Id("r").Dot("Query").Call(append([]jen.Code{jen.Id("ctx"), jen.Id(n.index(q))}, args...)...)))
		f.Line()
		f.Comment(fmt.Sprintf("%sPage returns one page of %s.", q.Finder, q.Finder))
		pageParams := append(append([]jen.Code{jen.Id("ctx").Qual("context", "Context")}, params...), jen.Id("req").Qual(rt, "PageRequest"))
		f.Func().Params(jen.Id("r").Op("*").Id(n.repo)).Id(q.Finder+"Page").Params(pageParams...).
			Params(jen.Qual(rt, "Page").Types(jen.Id(t)), jen.Error()).Block(
			jen.Return(jen.Id("r").Dot("QueryPage").Call(append([]jen.Code{jen.Id("ctx"), jen.Id(n.index(q)), jen.Id("req")}, args...)...)))
	}
}

// renderRestCodec renders the body codec of a type with a dbgen:"rest"
// field: members of a stored body that the type does not declare are kept
// there on decoding and written back on encoding.
func renderRestCodec(f *jen.File, c *model.Collection, n names, recv, body func() *jen.Statement) {
	t, rest := c.Type.Name, jen.Id("v").Dot(c.Type.Rest)
	var stored []jen.Code
	for _, fl := range c.Type.Fields {
		stored = append(stored, jen.Lit(fl.Stored).Op(":").True())
	}
	f.Comment(fmt.Sprintf("%s are the stored names of %s; a stored body's other members go to %s.", n.stored, t, c.Type.Rest))
	f.Var().Id(n.stored).Op("=").Map(jen.String()).Bool().Values(stored...)
	f.Line()
	f.Comment(fmt.Sprintf("MarshalDocument encodes the body: every field but _id and _rev, then the members kept in %s.", c.Type.Rest))
	f.Func().Params(recv()).Id("MarshalDocument").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.List(jen.Id("body"), jen.Err()).Op(":=").Qual("encoding/json", "Marshal").Call(body()),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Qual(rt, "WithRest").Call(jen.Id("body"), rest.Clone(), jen.Id(n.stored))),
	)
	f.Line()
	f.Comment("UnmarshalDocument decodes a stored body; _id and _rev come from SetDocumentMeta.")
	f.Comment(fmt.Sprintf("Integers in free-form fields stay exact (json.Number); undeclared members go to %s.", c.Type.Rest))
	f.Func().Params(recv()).Id("UnmarshalDocument").Params(jen.Id("body").Index().Byte()).Error().Block(
		jen.If(jen.Err().Op(":=").Qual(rt, "DecodeJSON").Call(jen.Id("body"), jen.Op("&").Add(body())), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Var().Err().Error(),
		jen.List(rest.Clone(), jen.Err()).Op("=").Qual(rt, "RestOf").Call(jen.Id("body"), jen.Id(n.stored)),
		jen.Return(jen.Err()),
	)
}
