"""The GA4GH Task Execution Service (spec/tes.yaml): TES tasks as Skyport jobs (docs/tes.md)."""
