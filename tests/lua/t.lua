-- t.lua: the checks of the Lua tests (run by `paperwatch eval`); one TAP
-- line per check, as tests/run counts them.
local M = { failed = 0 }

function M.ok(cond, name)
  print((cond and "ok - " or "not ok - ") .. name)
  if not cond then M.failed = M.failed + 1 end
  return cond
end

function M.eq(got, want, name)
  local ok = got == want
  M.ok(ok, name .. (ok and "" or (": got %s, want %s"):format(
    tostring(got), tostring(want))))
end

--- check_error(pattern, f, ...): f(...) raises an error matching pattern
--- (plain text).
function M.check_error(pattern, name, f, ...)
  local ok, err = pcall(f, ...)
  M.ok(not ok and tostring(err):find(pattern, 1, true) ~= nil,
    name .. (ok and ": no error" or (": " .. tostring(err))))
end

function M.done()
  os.exit(M.failed == 0 and 0 or 1)
end

return M
