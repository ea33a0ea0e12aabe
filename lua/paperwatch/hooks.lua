-- paperwatch.hooks: running on_match hooks after a run (the host calls
-- run once per new, visible paper). Internal: users write
-- pw.on_match(function(p, score) ... end) or pw.rule { on_match = ... }.
local registry = require "paperwatch.registry"

local M = {}

local function call(errs, label, fn, p, score)
  local ok, err = xpcall(fn, debug.traceback, p, score)
  if not ok then errs[#errs + 1] = ("%s: %s"):format(label, tostring(err)) end
end

--- Each matched rule's on_match(p, score), then every pw.on_match hook
--- whose min_score the score reaches (no min_score: above 0). Returns the
--- errors as strings.
function M.run(p, score, matched)
  local errs = {}
  for i, r in ipairs(registry.rules) do
    if matched[i] and r.on_match then
      call(errs, ("rule '%s' (%s): on_match"):format(r.name, r.where),
        r.on_match, p, score)
    end
  end
  for _, h in ipairs(registry.hooks) do
    if (h.min_score and score >= h.min_score) or (not h.min_score and score > 0) then
      call(errs, ("on_match hook (%s)"):format(h.where), h.fn, p, score)
    end
  end
  return errs
end

return M
