"""The original job's user-agent fields, from the Python `user-agents` package itself.

Reads a JSON list of User-Agent strings on stdin and writes a JSON list on stdout, one entry per
string: the 12 fields the original stored, in its order, or {"error": "..."} where the package
raised. One process for the whole list keeps the parity test fast.

With --rules, writes instead the regexes and replacements ua-parser bundles, in uap-core's
regexes.yaml keys, so the test can check that both sides use the same uap-core release.
"""

import json
import sys

from ua_parser import user_agent_parser
from user_agents import parse


def fields(ua):
    agent = parse(ua)
    return [
        agent.browser.family,
        agent.browser.version_string,
        agent.os.family,
        agent.os.version_string,
        agent.device.family,
        agent.device.brand,
        agent.device.model,
        agent.is_mobile,
        agent.is_tablet,
        agent.is_touch_capable,
        agent.is_pc,
        agent.is_bot,
    ]


def rules():
    def entry(parser, **fields):
        out = {"regex": parser.pattern}
        for key, value in fields.items():
            if value is not None:
                out[key] = value
        return out

    return {
        "user_agent_parsers": [
            entry(
                p,
                family_replacement=p.family_replacement,
                v1_replacement=p.v1_replacement,
                v2_replacement=p.v2_replacement,
            )
            for p in user_agent_parser.USER_AGENT_PARSERS
        ],
        "os_parsers": [
            entry(
                p,
                os_replacement=p.os_replacement,
                os_v1_replacement=p.os_v1_replacement,
                os_v2_replacement=p.os_v2_replacement,
                os_v3_replacement=p.os_v3_replacement,
                os_v4_replacement=p.os_v4_replacement,
            )
            for p in user_agent_parser.OS_PARSERS
        ],
        "device_parsers": [
            entry(
                p,
                regex_flag="i" if p.user_agent_re.flags & 2 else None,
                device_replacement=p.device_replacement,
                brand_replacement=p.brand_replacement,
                model_replacement=p.model_replacement,
            )
            for p in user_agent_parser.DEVICE_PARSERS
        ],
    }


def main():
    if sys.argv[1:] == ["--rules"]:
        json.dump(rules(), sys.stdout)
        return
    agents = json.load(sys.stdin)
    out = []
    for ua in agents:
        try:
            out.append(fields(ua))
        except Exception as error:  # the original's UDF would have failed on this string
            out.append({"error": f"{type(error).__name__}: {error}"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
