-- luacheck configuration (STYLE.md section 3: Lua is luacheck clean).
std = "lua54"
globals = { "pw" }          -- the user's config environment has pw
max_line_length = false
unused_args = false          -- callbacks and rules keep their signatures
exclude_files = { "lua/meta/**" }   -- LuaLS declarations: stubs by design
