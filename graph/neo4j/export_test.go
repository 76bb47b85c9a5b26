package neo4j

// SchemaNames are the constraints and indexes New creates, for the external
// tests.
var SchemaNames = schemaNames
