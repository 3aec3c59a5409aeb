/** Hands a CSV file from main to the browser as a download named `file.name`. */
export function downloadCsv(file: { csv: string; name: string }): void {
  const url = URL.createObjectURL(new Blob([file.csv], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.click();
  // Revoked later: the download reads the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
