"""Readers: files in, raw values with source positions out. The only package that reads inputs."""
