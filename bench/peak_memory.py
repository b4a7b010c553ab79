#!/usr/bin/python3
# Runs a command and samples /proc/PID/status every 5 ms: prints wall and
# CPU seconds, peak RssAnon (private memory) and peak RssFile (mapped file
# pages, page cache). Usage: peak_memory.py CMD [ARGS...]
import subprocess, sys, time, os, resource
start = time.time()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
anon = filek = 0
while p.poll() is None:
    try:
        for line in open(f"/proc/{p.pid}/status"):
            if line.startswith("RssAnon:"): anon = max(anon, int(line.split()[1]))
            elif line.startswith("RssFile:"): filek = max(filek, int(line.split()[1]))
    except Exception: pass
    time.sleep(0.005)
wall = time.time() - start
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"wall {wall:.2f} s, cpu {ru.ru_utime + ru.ru_stime:.2f} s, peak RssAnon {anon/1024:.0f} MB, peak RssFile {filek/1024:.0f} MB, rc {p.returncode}")
