// A stand-in for CloudFront Functions' JavaScript runtime 2.0, in Node, for one function file.
//
//   node --experimental-vm-modules local/cloudfront_function_runtime.mjs <function.js>
//
// The file is compiled as written (an ES module, strict, as the runtime treats it), followed
// by one line, `export { handler };`, the hand-over the runtime does by calling `handler`.
// It runs in a V8 context of its own that holds only what CloudFront's documentation of
// runtime 2.0 lists (functions-javascript-runtime-20): the documented globals, the documented
// methods of the built-in objects (the others are deleted: using one throws), no eval or
// Function constructor (code generation from strings throws), no timers, no process, no
// network, `Date` frozen at the function's start for the whole run, `console.log` with one
// argument only. Modules: `import cf from 'cloudfront'` (KeyValueStore helper methods:
// `cf.kvs()` with `get(key, {format})`, `exists(key)` and `meta()`) and `crypto`
// (`require('crypto')` as the documentation shows, or imported): `createHash` and
// `createHmac` with md5, sha1 or sha256, `update`, `digest` (hex, base64, base64url, or a
// Buffer without an encoding).
//
// Protocol: one JSON request per line on stdin, one JSON answer per line on stdout.
//   {"event": {...}, "now": <ms>, "store": {"key": "value", ...} | null}
//     -> {"result": <what the function returned>, "logs": [...]}
//      | {"error": "<why it is a function error>"}
//   A null store is one that cannot be read: every KeyValueStore call rejects; so does every
//   call about a key whose value is null.
//   {"bench": {"event": ..., "now": ..., "store": ..., "calls": n, "rounds": r}}
//     -> {"result": <the first call's answer>, "nanoseconds": [<mean per call, per round>]}

import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import vm from 'node:vm';

// What runtime 2.0 documents, by name (one home, shared with the static test of index.js).
const DOCUMENTED = JSON.parse(
    readFileSync(new URL('cloudfront_functions_runtime_20.json', import.meta.url), 'utf8'),
);
const HASHES = DOCUMENTED.hashAlgorithms;
const DIGEST_ENCODINGS = DOCUMENTED.digestEncodings;
const KVS_FORMATS = DOCUMENTED.keyValueStoreFormats;
const GLOBALS = DOCUMENTED.globals;
const METHODS = Object.fromEntries(
    Object.entries(DOCUMENTED.methods).map(([name, kept]) => [name, [kept.static, kept.prototype]]),
);
METHODS.Math = [DOCUMENTED.math, null];

// Runs inside the new context: freezes Date, then deletes what is not documented.
const PREPARE = `(function (globals, methods) {
    const RealDate = Date;
    let frozen = 0;
    function FrozenDate(...args) {
        if (!new.target) {
            return new RealDate(frozen).toString();
        }
        return args.length === 0 ? new RealDate(frozen) : new RealDate(...args);
    }
    FrozenDate.prototype = RealDate.prototype;
    FrozenDate.now = function now() { return frozen; };
    FrozenDate.parse = RealDate.parse;
    FrozenDate.UTC = RealDate.UTC;
    globalThis.Date = FrozenDate;
    const always = ['toString', 'valueOf', 'constructor'];
    function prune(target, keep) {
        for (const name of Object.getOwnPropertyNames(target)) {
            const descriptor = Object.getOwnPropertyDescriptor(target, name);
            if (typeof descriptor.value === 'function' && !keep.includes(name) &&
                !always.includes(name)) {
                delete target[name];
            }
        }
    }
    for (const name of Object.keys(methods)) {
        const [statics, prototype] = methods[name];
        prune(globalThis[name], statics);
        if (prototype !== null) {
            prune(globalThis[name].prototype, prototype);
        }
    }
    for (const name of Object.getOwnPropertyNames(globalThis)) {
        if (!globals.includes(name)) {
            delete globalThis[name];
        }
    }
    return function setClock(milliseconds) { frozen = milliseconds; };
})`;

function digester(object) {
    return {
        update(data) {
            object.update(data);
            return this;
        },
        digest(encoding) {
            if (encoding !== undefined && !DIGEST_ENCODINGS.includes(encoding)) {
                throw new TypeError('unsupported digest encoding: ' + encoding);
            }
            return encoding === undefined ? object.digest() : object.digest(encoding);
        },
    };
}

function algorithm(name) {
    if (!HASHES.includes(name)) {
        throw new TypeError('unsupported algorithm: ' + name);
    }
    return name;
}

const cryptoModule = Object.freeze({
    createHash: (name) => digester(createHash(algorithm(name))),
    createHmac: (name, key) => digester(createHmac(algorithm(name), key)),
});

// The KeyValueStore the function reads during one request (null: unreadable).
let store = {};
const created = new Date(0).toISOString();

function storeValue(key) {
    if (store === null) {
        throw new Error('the key value store could not be read');
    }
    if (typeof key !== 'string') {
        throw new TypeError('a key is a string');
    }
    if (!Object.prototype.hasOwnProperty.call(store, key)) {
        return undefined;
    }
    if (store[key] === null) {
        throw new Error('the key value store could not read ' + key);
    }
    return store[key];
}

const kvsHandle = Object.freeze({
    async get(key, options) {
        const value = storeValue(key);
        if (value === undefined) {
            throw new Error('key not found: ' + key);
        }
        const format = options === undefined ? 'string' : options.format;
        if (!KVS_FORMATS.includes(format)) {
            throw new TypeError('unsupported format: ' + format);
        }
        if (format === 'json') {
            return JSON.parse(value);
        }
        return format === 'bytes' ? Buffer.from(value, 'utf8') : value;
    },
    async exists(key) {
        return storeValue(key) !== undefined;
    },
    async meta() {
        storeValue('');
        const keyCount = Object.keys(store).length;
        return { creationDateTime: created, lastUpdatedDateTime: created, keyCount };
    },
});

const cloudfrontModule = Object.freeze({ kvs: () => kvsHandle });

let logs = [];
const console = Object.freeze({
    log(...args) {
        if (args.length !== 1) {
            throw new TypeError('console.log takes one argument in CloudFront Functions');
        }
        logs.push(String(args[0]));
    },
});

function require(name) {
    if (name === 'crypto') {
        return cryptoModule;
    }
    throw new Error('Cannot find module ' + JSON.stringify(name));
}

const BUILT_IN_MODULES = { cloudfront: cloudfrontModule, crypto: cryptoModule };

async function load(path) {
    const context = vm.createContext(
        { console, require, Buffer, atob, btoa, TextEncoder, TextDecoder },
        { codeGeneration: { strings: false, wasm: false } },
    );
    const setClock = vm.runInContext(PREPARE, context)(GLOBALS, METHODS);
    const source = readFileSync(path, 'utf8') + '\nexport { handler };\n';
    const module = new vm.SourceTextModule(source, { context, identifier: path });
    await module.link((specifier) => {
        if (!Object.prototype.hasOwnProperty.call(BUILT_IN_MODULES, specifier)) {
            throw new Error('no such module in CloudFront Functions: ' + specifier);
        }
        const exported = BUILT_IN_MODULES[specifier];
        return new vm.SyntheticModule(['default'], function () {
            this.setExport('default', exported);
        }, { context });
    });
    await module.evaluate();
    return { handler: module.namespace.handler, setClock };
}

// CloudFront's check of what a viewer-request function returns: a response, or the request
// with the method it came with.
function returned(result, method) {
    if (result === null || typeof result !== 'object') {
        throw new Error('the function returned no object');
    }
    if ('statusCode' in result) {
        if (!Number.isInteger(result.statusCode) || result.statusCode < 100 ||
            result.statusCode > 599) {
            throw new Error('the response has no valid statusCode');
        }
    } else if (typeof result.uri !== 'string' || !result.uri.startsWith('/') ||
        result.method !== method) {
        throw new Error('the request returned is not a request CloudFront can forward');
    }
    return JSON.parse(JSON.stringify(result));
}

async function invoke(runtime, event, now, storeState) {
    store = storeState;
    logs = [];
    runtime.setClock(now);
    const method = event.request.method;
    return returned(await runtime.handler(event), method);
}

// Time per call of the handler alone (the answer is checked once, before the clock runs).
async function bench(runtime, spec) {
    const events = [];
    for (let i = 0; i <= spec.calls * spec.rounds; i++) {
        events.push(JSON.parse(JSON.stringify(spec.event)));
    }
    const first = await invoke(runtime, events.pop(), spec.now, spec.store);
    const nanoseconds = [];
    for (let round = 0; round < spec.rounds; round++) {
        const start = process.hrtime.bigint();
        for (let call = 0; call < spec.calls; call++) {
            await runtime.handler(events.pop());
        }
        nanoseconds.push(Number(process.hrtime.bigint() - start) / spec.calls);
    }
    return { result: first, nanoseconds };
}

async function answer(runtime, line) {
    const request = JSON.parse(line);
    if (request.bench !== undefined) {
        return await bench(runtime, request.bench);
    }
    try {
        const result = await invoke(runtime, request.event, request.now, request.store);
        return { result, logs };
    } catch (error) {
        return { error: String(error && error.stack ? error.stack : error) };
    }
}

const runtime = await load(process.argv[2]);
for await (const line of createInterface({ input: process.stdin })) {
    process.stdout.write(JSON.stringify(await answer(runtime, line)) + '\n');
}
