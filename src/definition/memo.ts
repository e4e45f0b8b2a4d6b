/**
 * Remembers a pure function's answers for a small, repetitive key space (hosts: a day of traffic
 * has a few thousand). Cleared wholesale when full, which costs less per call than an LRU.
 */
export function memoize<V>(fn: (key: string) => V, limit = 10_000): (key: string) => V {
  const answers = new Map<string, V>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined && !answers.has(key)) {
      answer = fn(key);
      if (answers.size >= limit) answers.clear();
      answers.set(key, answer);
    }
    return answer as V;
  };
}
