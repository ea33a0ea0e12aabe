-- paperwatch.registry: what the config registered, read by the host after
-- the config ran. Internal: user code goes through `paperwatch`.
return {
  sources = {},       -- pw.Source tables, in order
  source_names = {},  -- name -> true
  rules = {},         -- { name, fn, where, sig, kind, spec, keep, hide,
                      --   drop, tag, on_match }
  rule_names = {},
  hooks = {},         -- pw.on_match: { fn, min_score, where }
  notify = nil,       -- { min_score = n, ... }
  options = nil,      -- { contact = ..., concurrency = n }
  limits = nil,       -- { instructions = n, memory_mb = n }
  digest = nil,
  config_dir = ".",
  config_path = nil,
  checking = false,   -- `paperwatch check`: collect mistakes, do not raise
  problems = {},      -- under check: "file:line: message", in order
}
