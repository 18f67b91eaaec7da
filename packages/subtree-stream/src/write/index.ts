// Ordered bounded writer and tee sink (filled in by the writer work).
export {};
