// Uploads a file to /config/uploads with XMLHttpRequest, whose upload events give the progress.
import { ApiError, authHeaders, check } from "./api.ts";

/**
 * Sends `file` as the multipart field `uploadFile`; `progress` shows the bytes sent. Resolves
 * with the stored path plugd answers. Throws ApiError with plugd's message on a refusal.
 */
export function uploadFile(file: File, progress: HTMLProgressElement): Promise<string> {
  const form = new FormData();
  form.append("uploadFile", file, file.name);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/config/uploads");
  for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
  progress.max = file.size || 1;
  progress.value = 0;
  xhr.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) progress.value = (event.loaded / event.total) * progress.max;
  });
  return new Promise((resolve, reject) => {
    xhr.addEventListener("load", () => {
      const answer = new Response(xhr.responseText, { status: xhr.status });
      check(answer)
        .then(() => {
          progress.value = progress.max;
          resolve(xhr.responseText.trim());
        })
        .catch(reject);
    });
    xhr.addEventListener("error", () =>
      reject(new ApiError(0, "the upload failed to reach plugd")),
    );
    xhr.send(form);
  });
}

/** The file:// URL plugd installs an uploaded file from. */
export function fileUrl(storedPath: string): string {
  return `file://${storedPath.startsWith("/") ? "" : "/"}${storedPath}`;
}
