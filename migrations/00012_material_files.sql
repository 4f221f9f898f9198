-- +goose Up
-- Every uploaded version of every material. Files are content-addressed: the row refers
-- to the file by its SHA-256, and the file store keeps one copy per content. A re-upload
-- is a new row with the next version; old versions stay listed and downloadable.
CREATE TABLE material_files (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    material_id     bigint NOT NULL REFERENCES material_types(id),
    slot            int NOT NULL CHECK (slot >= 1),     -- which of the files_needed files (e.g. which year)
    version         int NOT NULL CHECK (version >= 1),
    sha256          char(64) NOT NULL,
    size            bigint NOT NULL CHECK (size > 0),
    kind            text NOT NULL,                      -- detected by content: pdf, ofd, jpeg, png, docx, xlsx
    filename        text NOT NULL,                      -- as the uploader named it, for the download
    uploaded_by     bigint REFERENCES users(id),
    uploader_name   text NOT NULL,
    uploaded_at     timestamptz NOT NULL,
    frozen_at       timestamptz,                        -- submitted with the application: may no longer change
    UNIQUE (application_id, material_id, slot, version)
);
CREATE INDEX material_files_sha ON material_files(sha256);

-- An officer's review of one material of one application. The review chain sets
-- accepted or returned (with the comment the platform sees); a later upload makes the
-- material 'uploaded' again until it is reviewed anew.
CREATE TABLE application_materials (
    application_id  bigint NOT NULL REFERENCES applications(id),
    material_id     bigint NOT NULL REFERENCES material_types(id),
    review_state    text NOT NULL DEFAULT 'pending' CHECK (review_state IN ('pending', 'accepted', 'returned')),
    review_comment  text NOT NULL DEFAULT '',
    reviewed_by     bigint REFERENCES users(id),
    reviewer_name   text NOT NULL DEFAULT '',
    reviewed_at     timestamptz,
    PRIMARY KEY (application_id, material_id)
);

-- +goose Down
DROP TABLE application_materials;
DROP TABLE material_files;
