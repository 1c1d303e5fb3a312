"""Rules and formats that several functions share, in one home; `sam build` copies this
package into each function that imports it (functions/Makefile). Nothing here imports a
function's own package."""
