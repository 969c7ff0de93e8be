-- wrk script of bench/soak.py and the long-tail rows of bench/run.py: requests cycle through
-- the paths given after `--` (or, for thousands of them, listed one a line in the file given as
-- `@file`), and the run ends with the machine-readable line of wrk_report.lua.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_report.lua")

local paths = {}
local counter = 0

function init(args)
  for _, path in ipairs(args) do
    if path:sub(1, 1) == "@" then
      for line in io.lines(path:sub(2)) do
        paths[#paths + 1] = line
      end
    else
      paths[#paths + 1] = path
    end
  end
end

function request()
  counter = counter % #paths + 1
  return wrk.format(nil, paths[counter])
end
