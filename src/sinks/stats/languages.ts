// A file's language by its extension (or its name, for the usual extensionless files): the common
// ones by name, anything else shown as its extension so nothing is lost to "other".

const BY_EXT: Record<string, string> = {
  ts: 'TypeScript', tsx: 'TypeScript', mts: 'TypeScript', cts: 'TypeScript',
  js: 'JavaScript', jsx: 'JavaScript', mjs: 'JavaScript', cjs: 'JavaScript',
  py: 'Python', pyi: 'Python', ipynb: 'Jupyter Notebook',
  rs: 'Rust', go: 'Go', java: 'Java', kt: 'Kotlin', kts: 'Kotlin', scala: 'Scala', swift: 'Swift',
  c: 'C', h: 'C', cc: 'C++', cpp: 'C++', cxx: 'C++', hpp: 'C++', hh: 'C++', ino: 'Arduino',
  cs: 'C#', fs: 'F#', rb: 'Ruby', php: 'PHP', pl: 'Perl', lua: 'Lua', r: 'R', jl: 'Julia', dart: 'Dart', zig: 'Zig',
  ex: 'Elixir', exs: 'Elixir', heex: 'Elixir (HEEx)', eex: 'Elixir (EEx)', erl: 'Erlang', hrl: 'Erlang',
  hs: 'Haskell', ml: 'OCaml', clj: 'Clojure', elm: 'Elm', nim: 'Nim', v: 'V',
  sh: 'Shell', bash: 'Shell', zsh: 'Shell', fish: 'Shell', ps1: 'PowerShell',
  html: 'HTML', htm: 'HTML', css: 'CSS', scss: 'SCSS', sass: 'Sass', less: 'Less', vue: 'Vue', svelte: 'Svelte', astro: 'Astro',
  json: 'JSON', jsonl: 'JSON Lines', yaml: 'YAML', yml: 'YAML', toml: 'TOML', xml: 'XML', ini: 'INI', env: 'dotenv', csv: 'CSV',
  md: 'Markdown', mdx: 'MDX', rst: 'reStructuredText', txt: 'Text', tex: 'TeX',
  sql: 'SQL', graphql: 'GraphQL', proto: 'Protocol Buffers', tf: 'Terraform', nix: 'Nix', cmake: 'CMake',
  lock: 'Lockfile', svg: 'SVG', png: 'Image', jpg: 'Image', jpeg: 'Image', gif: 'Image', webp: 'Image', pdf: 'PDF',
};

const BY_NAME: Record<string, string> = { makefile: 'Makefile', gnumakefile: 'Makefile', dockerfile: 'Dockerfile', containerfile: 'Dockerfile', gemfile: 'Ruby', rakefile: 'Ruby', justfile: 'Just', procfile: 'Procfile' };

/** The language of a file with extension `ext` (lower case, '' for none) at `file`. */
export function languageOf(ext: string, file: string): string {
  const name = (file.split(/[\\/]/).pop() ?? '').toLowerCase();
  if (name === 'cmakelists.txt') return 'CMake';
  if (ext) return Object.hasOwn(BY_EXT, ext) ? BY_EXT[ext] : `.${ext}`;
  return Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : 'no extension';
}
