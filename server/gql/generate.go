// Package gql holds the GraphQL resolvers (hand-written, beside the schema's
// layout); generated/ and model/models_gen.go are produced by gqlgen.
package gql

//go:generate go tool gqlgen generate --config gqlgen.yml
