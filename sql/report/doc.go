// Package report runs tradepipe's named reports against a store: each
// report is one .sql file in reports/, whose header gives its name, its
// purpose and its parameters with their defaults (Defaults), and whose
// SELECT reads the member view and figures of package transform. Run
// resolves the parameters (the dataset, the basis the data allows, the
// groups), binds exactly those the report declares and returns a Table: the
// rows, notes on what the reader must know, the parameters used and the
// files the figures come from. Package render writes a Table for people
// and programs.
package report
