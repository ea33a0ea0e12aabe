-- paperwatch.fetch: how the host runs a source's fetch function (in a
-- coroutine on the agent's loop). Internal: users write
-- pw.source { name = ..., fetch = function(src) ... end }.
local feed = require "paperwatch.feed"

local M = {}

--- Run src.fetch(src) and return a list of entry tables. The function may
--- return such a list, or a feed document (a string) to parse, or nil and a
--- message for a failure.
function M.run(src)
  local res, err = src.fetch(src)
  if res == nil then
    error(err or "the fetch function returned nothing", 0)
  end
  if type(res) == "string" then
    local entries, info = feed.parse(res, src.name)
    if not entries then
      error(info, 0)
    end
    return entries
  end
  if type(res) ~= "table" then
    error(("the fetch function returned a %s; expected a list of entries or a "
      .. "feed document"):format(type(res)), 0)
  end
  return res
end

return M
