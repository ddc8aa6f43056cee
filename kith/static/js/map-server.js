// Talking to the server: send one editor form, get the editor fragment back.
// The server answers a request with the header X-Kith-Editor: 1 with maps/_editor.html
// (200 done, 400 a mistake, 409 a conflict or a final map) — always the map as it now is.

export const EDITOR_HEADER = "X-Kith-Editor";

export class EditorError extends Error {}

/**
 * POST `data` to `url`; resolve to {status, fragment} where fragment is the new
 * `.kith-editor` element. Rejects with EditorError when no fragment comes back.
 */
export async function sendForm(url, data) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { [EDITOR_HEADER]: "1", Accept: "text/html" },
    });
  } catch {
    throw new EditorError("Not saved: the server could not be reached. Check the connection and try again.");
  }
  const template = document.createElement("template");
  template.innerHTML = await response.text();
  const fragment = template.content.querySelector(".kith-editor");
  if (fragment === null) {
    throw new EditorError(
      `Not saved: the server answered unexpectedly (${response.status}). Reload the page and try again.`,
    );
  }
  return { status: response.status, fragment };
}
