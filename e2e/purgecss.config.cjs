// `make assets`: Bootstrap's stylesheet reduced to the selectors the site can use.
// The full copy (e2e/vendor/bootstrap/, not collected as static) is the source; the output,
// static/vendor/bootstrap/bootstrap.min.css, is committed. Re-run after adding Bootstrap classes.
module.exports = {
  css: ["e2e/vendor/bootstrap/bootstrap.min.css"],
  content: [
    "templates/**/*.html",
    "static/js/*.js",
    "core/**/*.py",
    "users/**/*.py",
    "courses/**/*.py",
    "learning/**/*.py",
  ],
  output: "static/vendor/bootstrap/",
  variables: true,
  keyframes: true,
  fontFace: true,
  safelist: {
    // Classes Bootstrap's JavaScript adds, and states written into class names at run time.
    standard: [/^show$/, /^showing$/, /^hiding$/, /^collapsing$/, /^fade$/, /^active$/,
      /^disabled$/, /^is-invalid$/, /^is-valid$/, /^was-validated$/, /^dropdown-menu-end$/,
      /^text-bg-/, /^alert-/, /^btn-close/, /^visually-hidden/, /^position-/],
    deep: [/^dropdown/, /^navbar/, /^collapse/, /^offcanvas/, /^modal/, /^tooltip/, /^popover/],
    greedy: [/data-bs-popper/, /\[data-bs-theme/],
  },
};
