-- paperwatch.sources.hf: Hugging Face daily papers (JSON, with upvotes).
local DAILY_URL = "https://huggingface.co/api/daily_papers"
local M = {}

local FIELDS = { name = "string", date = "string", days = "number",
                 interval = "number", url = "string" }

--- pw.hf.daily {}: today's papers; { date = "2024-06-12" }: that day's;
--- { days = 7 }: the last seven days' (one request a day, politely).
function M.daily(t)
  t = t or {}
  if type(t) ~= "table" then error("pw.hf.daily: expected a table", 2) end
  for k, v in pairs(t) do
    if FIELDS[k] == nil or type(v) ~= FIELDS[k] then
      error(("pw.hf.daily: bad field '%s'"):format(tostring(k)), 2)
    end
  end
  if t.date and not t.date:match("^%d%d%d%d%-%d%d%-%d%d$") then
    error("pw.hf.daily: date must look like 2024-06-12", 2)
  end
  if t.days and (t.days < 1 or t.days > 31 or t.days % 1 ~= 0) then
    error("pw.hf.daily: days must be a whole number from 1 to 31", 2)
  end
  if t.date and t.days then
    error("pw.hf.daily: give date or days, not both", 2)
  end
  local base = t.url or DAILY_URL
  local src = {
    name = t.name or (t.days and ("hf:daily:" .. t.days .. "d") or "hf:daily"),
    url = t.date and (base .. "?date=" .. t.date) or base,
    format = "json",
    interval = t.interval or 3 * 3600,
  }
  if t.days then
    src.url = nil
    src.fetch = function(s)
      local http, feed, time = require "paperwatch.http",
        require "paperwatch.feed", require "paperwatch.time"
      local all, now = {}, time.now()
      for d = 0, t.days - 1 do
        local day = time.format(now - d * 86400):sub(1, 10)
        local body, err = http.get(base .. "?date=" .. day)
        if not body then return nil, err end
        local entries, info = feed.parse(body, s.name .. " " .. day)
        if not entries then return nil, info end
        table.move(entries, 1, #entries, #all + 1, all)
      end
      return all
    end
  end
  return src
end

return M
