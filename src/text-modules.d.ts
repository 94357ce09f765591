// Lets TypeScript accept `import x from "file.yaml" with { type: "text" }`, which Bun embeds.
declare module "*.yaml" {
  const text: string;
  export default text;
}
