// Routes of /config/uploads: files stored for later file:// installs.
import { Elysia, t } from "elysia";
import { badRequest } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import { deleteUpload, listUploads, saveUpload, type UploadSource } from "../install/uploads.ts";
import { inContext } from "./in-context.ts";
import { changes } from "./route-changes.ts";
import { answers, NameList, Sentence } from "./schemas.ts";

const UploadBody = t.Union([
  t.Object({
    name: t.String({ description: "file name, e.g. random.zip" }),
    content: t.Optional(t.String({ description: "the file's text" })),
    file: t.Optional(t.String({ description: "URL to fetch the file from" })),
  }),
  t.Object({ uploadFile: t.File({ description: "multipart form field" }) }),
]);

/** POST (JSON or multipart), GET and DELETE of uploads. */
export function uploadRoutes(ctx: InstallContext) {
  const detail = { tags: ["uploads"] };
  return new Elysia({ name: "uploads" })
    .post(
      "/config/uploads",
      ({ body, status }) =>
        inContext("upload", async () => {
          const { name, source } = uploadSource(body);
          const path = await saveUpload(ctx, name, source);
          return status(201, path);
        }),
      {
        body: UploadBody,
        detail: { ...detail, ...changes("uploads", "body") },
        response: answers({ 201: t.String({ description: "the stored file's path" }) }),
      },
    )
    .get("/config/uploads", () => listUploads(ctx), {
      detail,
      response: answers({ 200: NameList }),
    })
    .delete(
      "/config/uploads/:name",
      ({ params }) =>
        inContext(`delete upload ${params.name}`, () => {
          deleteUpload(ctx, params.name);
          return `upload ${params.name} is deleted`;
        }),
      {
        params: t.Object({ name: t.String() }),
        detail: { ...detail, ...changes("uploads", "param") },
        response: answers({ 200: Sentence }),
      },
    );
}

function uploadSource(body: typeof UploadBody.static): { name: unknown; source: UploadSource } {
  if ("uploadFile" in body) {
    return { name: body.uploadFile.name, source: { kind: "blob", blob: body.uploadFile } };
  }
  if (body.content !== undefined && body.file === undefined) {
    return { name: body.name, source: { kind: "content", content: body.content } };
  }
  if (body.file !== undefined && body.content === undefined) {
    return { name: body.name, source: { kind: "url", url: body.file } };
  }
  throw badRequest("give either content or file, not both and not neither");
}
