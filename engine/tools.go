//go:build tools

// Package engine pins the Pulumi CLI (cmd/pulumi); the Python dynamic-provider
// plugin comes from the sdk/v3 module of the same version (python/dist/).
package engine

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
