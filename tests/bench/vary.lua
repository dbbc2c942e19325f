-- vary.lua - wrk script: every request gets a distinct query parameter
-- "_=<run>-<thread>-<n>" that the programs ignore, so its URL (and so the
-- nginx micro-cache key $request_method$request_uri) is new each time and
-- every request reaches the FastCGI program and the database.
--
--   wrk ... -s vary.lua URL -- RUN_TAG
--
-- RUN_TAG must differ between wrk invocations (warm-up and measured run),
-- or a run would hit the entries the previous one just cached.

local nthreads = 0

function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
end

function init(args)
	local run = args[1] or tostring(os.time())
	local sep = wrk.path:find("?", 1, true) and "&" or "?"
	base = wrk.path .. sep .. "_=" .. run .. "-" .. tostring(tid) .. "-"
	counter = 0
end

function request()
	counter = counter + 1
	return wrk.format(nil, base .. counter)
end
