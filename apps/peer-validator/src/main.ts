#!/usr/bin/env bun
// Placeholder until the app's issue lands: says what will run.
console.log("subtreekit: this app is not built yet; see the issues for what it will do.");
