// The pod sandbox's image, made by the agent itself: a root filesystem holding one static
// program, `/pause`, that waits for signals forever (a loop on pause(2), or ppoll(2) with no
// file descriptors on arm64, which has no pause). It is a few hundred bytes, needs no
// registry, no compiler and no binary from the host, so every node can make it offline and
// the same way. Docker's init (tini, `Init: true`) runs it as its child: tini is the
// sandbox's PID 1, reaps the zombies of a shared PID namespace and ends on SIGTERM.
// Pure: the bytes of the program and of the tar the engine imports.

import { createHash } from "node:crypto";

/** The machine code of the loop, per Node's `process.arch`, and the ELF machine number. */
const PROGRAMS: Record<string, { machine: number; code: number[] }> = {
  // loop: mov eax, 34 (pause); syscall; jmp loop
  x64: { machine: 0x3e, code: [0xb8, 0x22, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7] },
  // loop: x0..x3 = 0; x8 = 73 (ppoll); svc #0; b loop
  arm64: {
    machine: 0xb7,
    code: [0xd2800000, 0xd2800001, 0xd2800002, 0xd2800003, 0xd2800928, 0xd4000001, 0x17fffffa].flatMap(
      (word) => [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, (word >>> 24) & 0xff],
    ),
  },
};

/** The architectures the agent can make a pause program for. */
export const PAUSE_ARCHES = Object.keys(PROGRAMS);

/** A static ELF64 executable (one loadable segment) running the loop of `arch`. */
export function pauseProgram(arch: string): Buffer {
  const program = PROGRAMS[arch];
  if (!program) throw new Error(`no pause program for ${arch}; give the agent --pause-image`);
  const base = 0x400000;
  const headers = 64 + 56;
  const size = headers + program.code.length;
  const elf = Buffer.alloc(size);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elf, 0); // ELF, 64-bit, little endian, v1
  elf.writeUInt16LE(2, 16); // an executable
  elf.writeUInt16LE(program.machine, 18);
  elf.writeUInt32LE(1, 20);
  elf.writeBigUInt64LE(BigInt(base + headers), 24); // entry
  elf.writeBigUInt64LE(64n, 32); // program headers right after this header
  elf.writeUInt16LE(64, 52);
  elf.writeUInt16LE(56, 54);
  elf.writeUInt16LE(1, 56);
  elf.writeUInt16LE(64, 58);
  // The one segment: the whole file, read and execute, at `base`.
  elf.writeUInt32LE(1, 64);
  elf.writeUInt32LE(5, 68);
  elf.writeBigUInt64LE(BigInt(base), 80);
  elf.writeBigUInt64LE(BigInt(base), 88);
  elf.writeBigUInt64LE(BigInt(size), 96);
  elf.writeBigUInt64LE(BigInt(size), 104);
  elf.writeBigUInt64LE(0x1000n, 112);
  Buffer.from(program.code).copy(elf, headers);
  return elf;
}

/** A ustar archive of one executable file, as `docker import` takes a root filesystem. */
export function singleFileTar(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (value: string, offset: number, length: number): void => {
    header.write(value.slice(0, length), offset, "ascii");
  };
  const octal = (n: number, length: number): string => n.toString(8).padStart(length - 1, "0");
  field(name, 0, 100);
  field(octal(0o755, 8), 100, 8);
  field(octal(0, 8), 108, 8);
  field(octal(0, 8), 116, 8);
  field(octal(content.length, 12), 124, 12);
  field(octal(0, 12), 136, 12);
  field("        ", 148, 8); // the checksum counts itself as spaces
  field("0", 156, 1);
  field("ustar\u000000", 257, 8);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(`${octal(sum, 7)}\u0000 `, 148, 8);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

/** The agent's own pause image for this machine: its name carries the program's hash. */
export function defaultPauseImage(arch: string = process.arch): { ref: string; rootfs: Buffer } {
  const program = pauseProgram(arch);
  const hash = createHash("sha256").update(program).digest("hex").slice(0, 12);
  return { ref: `everynode/pause:${hash}`, rootfs: singleFileTar("pause", program) };
}
