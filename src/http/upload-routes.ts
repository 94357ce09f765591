// Routes of /config/uploads: files stored for later file:// installs.
import { Kind, TypeRegistry } from "@sinclair/typebox";
import { Elysia, t } from "elysia";
import { badRequest } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import { UploadSlots } from "../install/upload-slots.ts";
import { deleteUpload, listUploads, saveUpload, type UploadSource } from "../install/uploads.ts";
import { MultipartBody } from "../multipart/multipart-body.ts";
import { inContext } from "./in-context.ts";
import { changes } from "./route-changes.ts";
import { answers, NameList, Sentence } from "./schemas.ts";

// The parse hook (body-limit.ts) hands a multipart form over unread, as a MultipartBody; the
// schema checks that, and describes it to OpenAPI as the binary file it carries.
TypeRegistry.Set("MultipartBody", (_schema, value) => value instanceof MultipartBody);
const StreamedFile = t.Unsafe<MultipartBody>({
  [Kind]: "MultipartBody",
  type: "string",
  format: "binary",
  description: "the file, in a multipart/form-data field; written to disk as it arrives",
});

const UploadBody = t.Union([
  t.Object({
    name: t.String({ description: "file name, e.g. random.zip" }),
    content: t.Optional(t.String({ description: "the file's text" })),
    file: t.Optional(t.String({ description: "URL to fetch the file from" })),
  }),
  t.Object({ uploadFile: StreamedFile }),
]);

/** POST (JSON or multipart), GET and DELETE of uploads; POSTs in progress are capped. */
export function uploadRoutes(ctx: InstallContext) {
  const detail = { tags: ["uploads"] };
  const slots = new UploadSlots(ctx.config.plugin.maxConcurrentUploads);
  return new Elysia({ name: "uploads" })
    .post(
      "/config/uploads",
      ({ body, status }) =>
        inContext("upload", async () => {
          const path = await saveUpload(ctx, slots, uploadSource(body));
          return status(201, path);
        }),
      {
        body: UploadBody,
        // Only for the OpenAPI description: the parse hook in body-limit.ts reads every upload.
        parse: ["json", "multipart/form-data"],
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

function uploadSource(body: typeof UploadBody.static): UploadSource {
  if ("uploadFile" in body) return { kind: "multipart", body: body.uploadFile };
  if (body.content !== undefined && body.file === undefined) {
    return { kind: "content", name: body.name, content: body.content };
  }
  if (body.file !== undefined && body.content === undefined) {
    return { kind: "url", name: body.name, url: body.file };
  }
  throw badRequest("give either content or file, not both and not neither");
}
