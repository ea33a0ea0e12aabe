-- paperwatch.registry: what the config registered, read by the host after
-- the config ran. Internal: user code goes through `paperwatch`.
return {
  sources = {},       -- pw.Source tables, in order
  source_names = {},  -- name -> true
  rules = {},         -- { name, fn, where, sig }
  rule_names = {},
  notify = nil,       -- { min_score = n }
  options = nil,      -- { contact = ..., concurrency = n }
  digest = nil,
  config_dir = ".",
  config_path = nil,
}
