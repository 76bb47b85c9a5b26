// Package gql holds the GraphQL resolvers (hand-written, beside the schema's
// layout); generated/ and model/models_gen.go are produced by gqlgen, run
// by internal/gen (gqlgen with lists marshalled by internal/lists).
package gql

//go:generate go run ./internal/gen
