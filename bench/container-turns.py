#!/usr/bin/env python3
"""Through a running gateway with the docker launcher (bench/containers starts it): time to the first text event of a
new user's first message (cold start or warm-pool claim), of a message to a paused plane (unpause), and from a
`docker kill` mid-stream to the first text event after the gateway's `status {"state": "recovering"}` (crash -> first
resumed event) and to that status (crash detected: the engine's die event reached the gateway, which marked the plane
crashed and told the client). Prints one JSON object; for cold and warm, "first" is an extra run before the others:
the gateway's first new-path turn since it started.
  container-turns.py <gateway port> <deployment> <figure: cold|warm|unpause|crash> <runs>"""
import http.client, json, subprocess, sys, time, uuid

port, deployment, figure, runs = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])


def call(method, path, token=None, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    c.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    r = c.getresponse()
    data = r.read().decode()
    c.close()
    if r.status >= 300:
        raise SystemExit(f"{method} {path}: {r.status} {data}")
    return data


def token(sub, roles=""):
    return call("GET", f"/dev/token?sub={sub}" + (f"&roles={roles}" if roles else "")).strip()


ADMIN = token("u-admin", "admin")


def new_user():
    user = "u-bench-" + uuid.uuid4().hex[:10]
    t = token(user + "&org=org-acme")
    call("POST", "/api/v1/sessions", t)  # provisions the user
    call("PUT", f"/api/v1/admin/users/{user}/mode", ADMIN, {"execution_mode": "new"})
    return user, t


def stream(t, message, on_text=None, on_status=None):
    """Sends a message; returns the seconds to its first text event (on_text(n) is called for each text event,
    on_status(state) for each status event)."""
    session = json.loads(call("POST", "/api/v1/sessions", t))["session_id"]
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.monotonic()
    c.request("POST", f"/api/v1/sessions/{session}/messages", body=json.dumps({"message": message}),
              headers={"Content-Type": "application/json", "Authorization": "Bearer " + t})
    r = c.getresponse()
    first, texts, event, data = None, 0, None, ""
    while True:
        line = r.readline().decode()
        if not line:
            break
        line = line.rstrip("\n")
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()
        elif line == "" and event:
            if event == "status" and on_status:
                on_status(json.loads(data).get("state"))
            if event == "text":
                texts += 1
                first = first if first is not None else time.monotonic() - start
                if on_text:
                    on_text(texts)
            if event in ("done", "error"):
                if event == "error":
                    raise SystemExit("the turn ended with an error")
                break
            event, data = None, ""
    c.close()
    return first


def docker(*args):
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout.strip()


def container(user):
    return f"chatgw-{deployment}-{user}"


def metric(name):
    for line in call("GET", "/actuator/prometheus").splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.split()[-1])
    return 0.0


def wait_rehearsed():
    """Until every unclaimed warm-pool member of the deployment has said how its rehearsal went (PlaneRehearsal)."""
    deadline = time.monotonic() + 60
    while True:
        members = docker("ps", "-q", "--filter", f"name=chatgw-{deployment}-pool-").split()
        logs = [subprocess.run(["docker", "logs", m], capture_output=True, text=True).stderr for m in members]
        if members and all("rehearsed " in log or "rehearsal stopped" in log for log in logs):
            return
        if time.monotonic() > deadline:
            raise SystemExit("the warm-pool member did not rehearse within 60 s")
        time.sleep(0.1)


figures, detected, rss, first = [], [], [], []
# cold and warm: one run more, first, which is also the gateway's own first new-path turn (its classes loaded and its
# code interpreted for the first time: ~0.1 s more for a cold start, ~0.6 s for a claim); reported on its own
for run in range(runs + (1 if figure in ("cold", "warm") else 0)):
    measured = first if figure in ("cold", "warm") and run == 0 else figures
    if figure == "warm":
        deadline = time.monotonic() + 120
        while metric("gateway_plane_warm_pool_size") < 1:
            if time.monotonic() > deadline:
                raise SystemExit("the warm pool did not refill within 120 s")
            time.sleep(0.1)
        wait_rehearsed()  # the member's JVM is up, has rehearsed and polls for its claim
    user, t = new_user()
    if figure in ("cold", "warm"):
        measured.append(stream(t, "[[standin chunks=3 delay_ms=1]] first"))
        time.sleep(3)
        if measured is figures:
            rss.append(docker("stats", "--no-stream", "--format", "{{.MemUsage}}", container(user)).split()[0])
    elif figure == "unpause":
        stream(t, "[[standin chunks=3 delay_ms=1]] first")
        deadline = time.monotonic() + 60
        while docker("inspect", "-f", "{{.State.Paused}}", container(user)) != "true":
            if time.monotonic() > deadline:
                raise SystemExit("the plane was not paused within 60 s (idle-pause)")
            time.sleep(0.1)
        figures.append(stream(t, "[[standin chunks=3 delay_ms=1]] again"))
    elif figure == "crash":
        stream(t, "[[standin chunks=3 delay_ms=1]] first")
        killed = {}

        def kill_after_five(n):
            if n == 5:
                killed["at"] = time.monotonic()
                docker("kill", container(user))
            elif "detected" in killed and "resumed" not in killed:
                # the first text after `status recovering`: texts the plane sent before the kill landed (while the
                # docker CLI ran) may still arrive first, and are not the replacement's
                killed["resumed"] = True
                figures.append(time.monotonic() - killed["at"])

        def recovering(state):
            if state == "recovering" and "at" in killed and "detected" not in killed:
                killed["detected"] = True
                detected.append(time.monotonic() - killed["at"])
        stream(t, "[[standin chunks=40 delay_ms=30]] long", kill_after_five, recovering)
        if "resumed" not in killed:
            raise SystemExit("the killed turn completed without a status recovering and a resumed text after it")
    docker("rm", "-f", container(user))
print(json.dumps({"figure": figure, "seconds": figures, "first": first, "detected": detected, "rss": rss}))
