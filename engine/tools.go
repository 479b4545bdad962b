//go:build tools

// Package engine pins the Pulumi CLI and the Python dynamic-provider plugin.
package engine

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	_ "github.com/pulumi/pulumi/sdk/v3"
)
