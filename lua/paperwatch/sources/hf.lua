-- paperwatch.sources.hf: Hugging Face daily papers (JSON, with upvotes).
local DAILY_URL = "https://huggingface.co/api/daily_papers"
local M = {}

--- pw.hf.daily {} (optionally name =, date = "YYYY-MM-DD", interval =)
function M.daily(t)
  t = t or {}
  if type(t) ~= "table" then error("pw.hf.daily: expected a table", 2) end
  local url = DAILY_URL
  if t.date then
    if type(t.date) ~= "string" or not t.date:match("^%d%d%d%d%-%d%d%-%d%d$") then
      error("pw.hf.daily: date must look like 2024-06-12", 2)
    end
    url = url .. "?date=" .. t.date
  end
  return {
    name = t.name or "hf:daily",
    url = url,
    format = "json",
    interval = t.interval or 3 * 3600,
  }
end

return M
