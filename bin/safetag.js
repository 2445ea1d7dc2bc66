#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import { runAsProcess } from "../dist/src/cli/main.js";
runAsProcess();
