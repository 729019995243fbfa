#!/usr/bin/env python3
"""Copies the technote's debug excerpts verbatim (the lines between the code fences, wrapped lines as printed) into
test resources, one file per router and scenario, the excerpts in technote order separated by a blank line, as an
engineer pastes them into a case. The router of each excerpt is the one the technote's prose names before it.

Usage: tools/technote/extract-debug-excerpts.py [../shared/seed/ios-ikev1-ikev2-multiple-certificates.es.md]
"""
import os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SEED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, '..', 'shared', 'seed', 'ios-ikev1-ikev2-multiple-certificates.es.md')
OUT = os.path.join(REPO, 'tests', 'PcapIke.Tests', 'Model', 'Resources')

# file -> the opening-fence line numbers (1-based) of its excerpts, in order
FILES = {
    'technote-debug-ikev1-r1-initiates-R1.txt': [248, 380, 399, 421, 465],
    'technote-debug-ikev1-r1-initiates-R2.txt': [304, 313, 432, 453],
    'technote-debug-ikev1-r2-initiates-R2.txt': [497, 512, 756, 775, 802],
    'technote-debug-ikev1-r2-initiates-R1.txt': [522, 563, 574, 832, 844],
    'technote-debug-ikev2-responder-profile.txt': [1014, 1021, 1031],
    'technote-debug-ikev2-initiator-no-trustpoint-R1.txt': [1107],
    'technote-debug-ikev2-two-trustpoints-R2.txt': [1182, 1189],
    'technote-debug-ikev2-two-trustpoints-R1.txt': [1200],
}

lines = open(SEED, encoding='utf-8').read().split('\n')
for name, fences in FILES.items():
    blocks = []
    for f in fences:
        i = f - 1
        if not lines[i].startswith('```'):
            # the fence may sit a line later (a blank line between prose and fence)
            i = next(k for k in range(i, i + 3) if lines[k].startswith('```'))
        j = i + 1
        while not lines[j].startswith('```'):
            j += 1
        blocks.append('\n'.join(lines[i + 1:j]).strip('\n'))
    with open(os.path.join(OUT, name), 'w', encoding='utf-8', newline='\n') as out:
        out.write('\n\n'.join(blocks) + '\n')
    print(name, sum(b.count('\n') + 1 for b in blocks), 'lines')
