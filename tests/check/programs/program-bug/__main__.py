"""Reads a settings key that does not exist: a real preview fails the same way."""

import pulumi_aws as aws

settings = {"bucket_prefix": "logs-"}
aws.s3.Bucket("logs", bucket_prefix=settings["bucket_prefix"])
aws.s3.Bucket("archive", bucket_prefix=settings["archive_prefix"])
