package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoOrderByExpression: gorm v1.31's Order takes a string, a clause.OrderBy or a
// clause.OrderByColumn and silently drops anything else, gorm.Expr and clause.Expr
// included, so such a list comes back in no order at all (issue 15: 已提交的申请 and the
// queue's overdue-first CASE were lost that way). Every Order( of the store must be given
// one of the kinds gorm keeps.
func TestNoOrderByExpression(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Order" || len(call.Args) != 1 {
				return true
			}
			checked++
			if kind := exprKind(call.Args[0]); kind != "" {
				t.Errorf("%s: Order(%s) is dropped by gorm: pass the SQL as a string (no arguments) or a clause.OrderBy", fset.Position(call.Pos()), kind)
			}
			return true
		})
	}
	if checked < 10 {
		t.Fatalf("only %d Order calls found: is the test reading the store's files?", checked)
	}
}

// exprKind names an argument gorm's Order drops, or "".
func exprKind(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.CallExpr:
		if s, ok := v.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == "Expr" {
			return "gorm.Expr(…)"
		}
	case *ast.CompositeLit:
		if s, ok := v.Type.(*ast.SelectorExpr); ok && (s.Sel.Name == "Expr" || s.Sel.Name == "NamedExpr") {
			return "clause." + s.Sel.Name + "{…}"
		}
	case *ast.UnaryExpr:
		return exprKind(v.X)
	}
	return ""
}
