#!/usr/bin/env node
import { runCli } from './cli';
import { processIo } from './io';

process.exitCode = await runCli(process.argv.slice(2), processIo(import.meta.url));
