"""Reference program: `pulumi up -s <stack>` (or `failoverkit up --stack <stack>`) runs this."""

from failoverkit.program import reference_program

reference_program()
